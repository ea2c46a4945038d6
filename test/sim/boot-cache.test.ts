/** createSimulator shares boots between cells: its results must be simulate()'s, byte for byte. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSimulator, simulate } from '../../src/sim/index.js';
import { commitAt, G, indexOf, input, loadHistory, type CellSpec } from './helpers.js';

const mm = loadHistory('linux-mm');
const commits = ['v4.15-rc1', 'bad8c6c0b114', 'next-20220426', 'v6.4-rc1'].map((ref) =>
  commitAt(mm, indexOf(mm, ref)),
);

/**
 * Cells around the seeds: boots that fail, workloads that fail (one after a clock jump), skips
 * and passes.
 */
const specs = fc.record({
  arch: fc.constantFrom('i386', 'x86_64', 'arm64', 'ppc64'),
  kconfig: fc.constantFrom(
    {},
    { HIGHMEM: true, CMA: true },
    { MEMORY_HOTPLUG: true, MEMORY_HOTREMOVE: true },
    { ZONE_DEVICE: true, CMA: true },
  ),
  boot: fc.constantFrom('', 'cma=4M', 'memmap=1G!4G', 'disable_radix', 'movablecore=25%'),
  memory: fc.constantFrom(G, 2 * G, 8 * G),
  nodes: fc.constantFrom(1, 2),
}) satisfies fc.Arbitrary<CellSpec>;
const workloads = fc.constantFrom('boot', 'dma-alloc', 'kpageflags', 'hotplug', 'devdax', 'nonsense');

describe('createSimulator', () => {
  it('gives simulate() results for every cell of a sequence, whatever boots it shares or evicts', () => {
    // a few machines, each booted by several cells with different workloads
    const machines = fc.array(fc.tuple(specs, fc.nat(commits.length - 1)), { minLength: 1, maxLength: 4 });
    const sequence = fc.array(fc.tuple(fc.nat(3), workloads), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(machines, sequence, fc.integer({ min: 1, max: 8 }), (ms, seq, size) => {
        const cached = createSimulator(size);
        for (const [m, workload] of seq) {
          const [spec, c] = ms[m % ms.length]!;
          const cell = input({ ...spec, workload }, commits[c]!);
          expect(cached(cell)).toEqual(simulate(cell));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps cells that share a boot apart: each log has only its own workload lines', () => {
    const cached = createSimulator();
    const at = commitAt(mm, indexOf(mm, 'v4.15-rc1'));
    const kpf = input(
      { arch: 'x86_64', boot: 'memmap=1G!4G', workload: 'kpageflags', memory: 8 * G, nodes: 2 },
      at,
    );
    const bootOnly = { ...kpf, workload: 'boot' };
    const first = cached(kpf);
    expect(first.verdict).toBe('fail');
    expect(cached(bootOnly)).toEqual(simulate(bootOnly));
    expect(cached(bootOnly).log).not.toContain('stable_page_flags');
    expect(cached(kpf)).toEqual(first);
  });
});
