import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyDifferences,
  cellDifferences,
  ddmin,
  describeMinimal,
  splitBoot,
  type Difference,
} from '../../src/bisect/config-search.js';
import type { Cell } from '../../src/matrix/types.js';

function cell(over: Partial<Cell>): Cell {
  return {
    id: 'x',
    arch: 'i386',
    kconfig: {},
    resolved: {},
    boot: '',
    workload: 'boot',
    commit: 'abc',
    commitLabel: 'v1',
    machine: { memory: 2 ** 30, nodes: 1 },
    state: 'run',
    ...over,
  };
}

const good = cell({
  kconfig: { HIGHMEM: 'n', CMA: 'n', SPARSEMEM_VMEMMAP: 'y', DEFERRED_STRUCT_PAGE_INIT: 'n' },
  boot: 'console=ttyS0 quiet',
});
const bad = cell({
  kconfig: { HIGHMEM: 'y', CMA: 'y', SPARSEMEM_VMEMMAP: 'n', DEFERRED_STRUCT_PAGE_INIT: 'y' },
  boot: 'console=ttyS0 cma=64M',
  machine: { memory: 8 * 2 ** 30, nodes: 1 },
});

describe('cell differences', () => {
  it('lists kconfig symbols, boot parameters one by one, and machine memory', () => {
    const diffs = cellDifferences(good, bad);
    expect(diffs).toEqual([
      { kind: 'kconfig', symbol: 'CMA', value: 'y' },
      { kind: 'kconfig', symbol: 'DEFERRED_STRUCT_PAGE_INIT', value: 'y' },
      { kind: 'kconfig', symbol: 'HIGHMEM', value: 'y' },
      { kind: 'kconfig', symbol: 'SPARSEMEM_VMEMMAP', value: 'n' },
      { kind: 'boot', param: 'quiet', op: 'remove' },
      { kind: 'boot', param: 'cma=64M', op: 'add' },
      { kind: 'memory', value: 8 * 2 ** 30 },
    ]);
    const all = applyDifferences(good, diffs);
    expect(all.kconfig).toEqual(bad.kconfig);
    expect(all.boot).toBe('console=ttyS0 cma=64M');
    expect(all.machine).toEqual(bad.machine);
  });

  it('splits a command line like the kernel, keeping quoted values together', () => {
    expect(splitBoot(' memmap=1G!4G  dyndbg="file mm/* +p" cma=64M ')).toEqual([
      'memmap=1G!4G',
      'dyndbg="file mm/* +p"',
      'cma=64M',
    ]);
    expect(splitBoot('')).toEqual([]);
  });
});

describe('ddmin', () => {
  const six: Difference[] = cellDifferences(good, bad).slice(0, 6);
  const has = (s: readonly Difference[], sym: string) =>
    s.some((d) => d.kind === 'kconfig' && d.symbol === sym);

  it('finds {HIGHMEM, CMA} from 6 differences with the oracle "fails iff HIGHMEM && CMA"', async () => {
    expect(six).toHaveLength(6);
    const result = await ddmin(six, {
      fails: (subsets) => subsets.map((s) => has(s, 'HIGHMEM') && has(s, 'CMA')),
    });
    expect(result.minimal).toEqual([
      { kind: 'kconfig', symbol: 'CMA', value: 'y' },
      { kind: 'kconfig', symbol: 'HIGHMEM', value: 'y' },
    ]);
    expect(describeMinimal(result.minimal)).toBe('fails only with CMA=y and HIGHMEM=y together');
    expect(result.tests).toBeLessThan(20);
  });

  it('skips candidates that do not resolve (ktest config-bisect) and still finds the set', async () => {
    // CMA without DEFERRED_STRUCT_PAGE_INIT does not resolve in this made-up model
    const resolves = (s: readonly Difference[]) => !has(s, 'CMA') || has(s, 'DEFERRED_STRUCT_PAGE_INIT');
    const seen: Difference[][] = [];
    const result = await ddmin(six, {
      resolves,
      fails: (subsets) => {
        seen.push(...subsets.map((s) => [...s]));
        return subsets.map((s) => has(s, 'HIGHMEM') && has(s, 'CMA'));
      },
    });
    expect(seen.every(resolves)).toBe(true);
    expect(result.unresolved).toBeGreaterThan(0);
    expect(result.minimal.map((d) => (d.kind === 'kconfig' ? d.symbol : d.kind)).sort()).toEqual([
      'CMA',
      'DEFERRED_STRUCT_PAGE_INIT',
      'HIGHMEM',
    ]);
  });

  it('describes single differences and boot parameters', () => {
    expect(describeMinimal([{ kind: 'boot', param: 'memmap=1G!4G', op: 'add' }])).toBe(
      'fails only with boot memmap=1G!4G',
    );
    expect(
      describeMinimal([
        { kind: 'kconfig', symbol: 'A', value: 'y' },
        { kind: 'memory', value: 2 ** 33 },
        { kind: 'nodes', value: 2 },
      ]),
    ).toBe('fails only with A=y, memory=8G and nodes=2 together');
  });

  it('property: the result fails and is 1-minimal for random monotone conjunction oracles', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 24 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 23 }), { minLength: 1, maxLength: 4 }),
        async (n, needed) => {
          const want = needed.map((i) => i % n);
          const items = Array.from({ length: n }, (_, i) => i);
          const fails = (s: readonly number[]) => want.every((w) => s.includes(w));
          const result = await ddmin(items, { fails: (subsets) => subsets.map(fails) });
          expect(fails(result.minimal)).toBe(true);
          expect([...result.minimal].sort((a, b) => a - b)).toEqual([...new Set(want)].sort((a, b) => a - b));
        },
      ),
      { numRuns: 200, seed: 3 },
    );
  });
});
