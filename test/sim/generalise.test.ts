/** The mechanisms generalise beyond the seed rows; determinism; inject; layering. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainCell, simulate, type SimInput } from '../../src/sim/index.js';
import { commitAt, G, indexOf, input, loadHistory } from './helpers.js';

const mm = loadHistory('linux-mm');
const at = (ref: string) => commitAt(mm, indexOf(mm, ref));

describe('determinism', () => {
  it('same input gives the same bytes, for passing and failing cells', () => {
    const cells: SimInput[] = [
      input({ arch: 'i386', kconfig: { HIGHMEM: true, CMA: true }, boot: 'cma=4M' }, at('bad8c6c0b114')),
      input(
        { arch: 'x86_64', boot: 'memmap=1G!4G', workload: 'kpageflags', memory: 8 * G, nodes: 2 },
        at('v4.15-rc1'),
      ),
      input(
        { arch: 'arm64', kconfig: { MEMORY_HOTPLUG: true, MEMORY_HOTREMOVE: true }, workload: 'hotplug' },
        at('next-20220426'),
      ),
    ];
    for (const c of cells)
      expect(JSON.stringify(simulate(structuredClone(c)))).toBe(JSON.stringify(simulate(c)));
    expect(simulate(cells[0]!).verdict).toBe('fail');
  });
});

describe('generalisation', () => {
  const culprit000 = at('bad8c6c0b114');
  it('i386: 768 MiB has no highmem, so seed 000 cannot happen; 1 GiB has ~128 MiB highmem and does', () => {
    const spec = { arch: 'i386', kconfig: { HIGHMEM: true, CMA: true }, boot: 'cma=4M' };
    expect(simulate(input({ ...spec, memory: 768 * 2 ** 20 }, culprit000)).verdict).toBe('pass');
    const oneG = simulate(input({ ...spec, memory: G }, culprit000));
    expect(oneG.verdict).toBe('fail');
    expect(oneG.log).toContain('HIGHMEM available.');
  });

  it('i386 without cma= keeps the x86 default CMA size 0: no area, no stretched zone, boot passes', () => {
    expect(simulate(input({ arch: 'i386', kconfig: { HIGHMEM: true, CMA: true } }, culprit000)).verdict).toBe(
      'pass',
    );
  });

  it('seed 002 follows the node-0 tail at other sizes and node counts', () => {
    const culprit = at('v4.15-rc1');
    const run = (memory: number, nodes: number, boot: string) =>
      simulate(input({ arch: 'x86_64', boot, workload: 'kpageflags', memory, nodes }, culprit)).verdict;
    // 12 GiB, 3 nodes: node 0 is again [0-3G) + [4G-5G), so memmap=1G!4G shrinks it the same way
    expect(run(12 * G, 3, 'memmap=1G!4G')).toBe('fail');
    // 4 GiB, 2 nodes: node 1 shrinks to 0xbffd7 too, but that is now max_pfn: page-types never reads the tail
    expect(run(4 * G, 2, 'memmap=1G!4G')).toBe('pass');
    // 6 GiB, 2 nodes: node 0 is exactly [0-3G), its span ends at 0xbffd7 without any memmap=
    expect(run(6 * G, 2, '')).toBe('fail');
    // one node spans everything, the tail stays inside ZONE_DMA32
    expect(run(8 * G, 1, 'memmap=1G!4G')).toBe('pass');
    expect(run(16 * G, 2, 'memmap=1G!12G')).toBe('pass');
    expect(run(64 * G, 4, '')).toBe('pass');
  });

  it('seed 003 needs reservation before the linear map: x86 and riscv64 survive cma_areas_memblock', () => {
    const culprit = at('next-20200916');
    expect(simulate(input({ arch: 'i386', kconfig: { CMA: true }, boot: 'cma=4M' }, culprit)).verdict).toBe(
      'pass',
    );
    expect(simulate(input({ arch: 'riscv64', kconfig: { CMA: true } }, culprit)).verdict).toBe('pass');
    expect(
      simulate(
        input({ arch: 'arm64', kconfig: { CMA: true }, boot: 'cma=32M', memory: 16 * G, nodes: 2 }, culprit),
      ).verdict,
    ).toBe('fail');
  });

  it('missing prerequisites and broken builds are skips with a reason', () => {
    const c = at('v6.4-rc1');
    const devdax = simulate(input({ arch: 'x86_64', workload: 'devdax' }, c));
    expect(devdax.verdict).toBe('skip');
    expect(devdax.log).toContain('CONFIG_ZONE_DEVICE is not set');
    expect(simulate(input({ arch: 'i386', workload: 'dma-alloc' }, c)).verdict).toBe('skip');
    expect(simulate(input({ arch: 'arm64', workload: 'hotplug' }, c)).verdict).toBe('skip');
    const broken = mm.commits.findIndex((x) => x.build === 'broken');
    expect(simulate(input({ arch: 'x86_64' }, commitAt(mm, broken))).verdict).toBe('skip');
  });

  it('logs unknown parameters the way the kernel does', () => {
    const r = simulate(input({ arch: 'arm64', boot: 'memmap=1G!4G foo' }, at('v6.4-rc1')));
    expect(r.log).toContain(
      'Unknown kernel command line parameters "memmap=1G!4G foo", will be passed to user space.',
    );
  });

  it('--explain shows zone spans, CMA areas and raw struct pages', () => {
    const text = explainCell(
      input(
        { arch: 'x86_64', boot: 'memmap=1G!4G', workload: 'kpageflags', memory: 8 * G, nodes: 2 },
        at('v4.15-rc1'),
      ),
    );
    expect(text).toContain('node 0 DMA32    pfn 1000-bffd6');
    expect(text).toContain('raw vmemmap (0xff poison):        bffd7-bffff (41 pages)');
  });
});

describe('inject', () => {
  const base = input({ arch: 'x86_64' }, at('v6.4-rc1'));
  const rule = {
    when: { arch: 'x86_64' },
    fail: 'BUG: soft lockup - CPU#0 stuck for 22s! [kworker/0:1:42]',
    probability: 0.5,
  };
  it('fires deterministically per attempt with roughly the given probability', () => {
    const runs = Array.from(
      { length: 200 },
      (_, attempt) => simulate({ ...base, attempt, switches: { inject: [rule] } }).verdict,
    );
    const again = Array.from(
      { length: 200 },
      (_, attempt) => simulate({ ...base, attempt, switches: { inject: [rule] } }).verdict,
    );
    expect(runs).toEqual(again);
    const fails = runs.filter((v) => v === 'fail').length;
    expect(fails).toBeGreaterThan(70);
    expect(fails).toBeLessThan(130);
  });
  it('matches partially on axes and yields a normalised signature', () => {
    const always = { ...rule, probability: 1 };
    const hit = simulate({ ...base, switches: { inject: [always] } });
    expect(hit.signature).toBe('BUG: soft lockup - CPU#N stuck for Ns! [kworker/N]');
    expect(
      simulate({ ...base, switches: { inject: [{ ...always, when: { arch: 'arm64' } }] } }).verdict,
    ).toBe('pass');
  });
});

describe('layering', () => {
  it('src/sim imports nothing from run/report/cli and uses no I/O, clock or Math.random', () => {
    const dir = fileURLToPath(new URL('../../src/sim/', import.meta.url));
    for (const f of readdirSync(dir)) {
      const text = readFileSync(dir + f, 'utf8');
      expect(text, f).not.toMatch(/from '(\.\.\/(run|report|cli)\/|node:)/);
      expect(text, f).not.toMatch(/Math\.random|Date\.now|new Date|performance\.now|process\./);
    }
  });
});
