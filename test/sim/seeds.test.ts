/** One test per seed regression the simulator must reproduce, on the shipped histories. */
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/index.js';
import { commitAt, G, indexOf, input, loadHistory, triple } from './helpers.js';

const verdicts = (rs: Array<{ verdict: string }>) => rs.map((r) => r.verdict);

describe('seed 000: CMA in ZONE_MOVABLE on i386 HIGHMEM (linux-4.17-cma)', () => {
  const h = loadHistory('linux-4.17-cma');
  const CULPRIT = 'bad8c6c0b114';
  const REVERT = 'Revert "mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE"';
  const FIX = 'x86/32/highmem: check if the zone is matched when free highmem pages on init';
  const i386 = { arch: 'i386', kconfig: { HIGHMEM: true, CMA: true }, boot: 'cma=4M', memory: 2 * G };

  it('i386 HIGHMEM=y CMA=y cma=4M 2 GiB boot: pass, Bad page state at the culprit, pass after revert', () => {
    const [before, at, after] = triple(h, CULPRIT, REVERT, i386);
    expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
    expect(at.signature).toBe('BUG: Bad page state in process swapper pfn:N');
    expect(at.log).toContain('BUG: Bad page state in process swapper  pfn:377fe');
    expect(at.log).toContain('page:f53effc0 count:0 mapcount:-127 mapping:00000000 index:0x0');
    expect(before.log).toContain('cma: Reserved 4 MiB at 0x37000000');
  });

  it('with highmem_init_clamp boot passes, dma-alloc hits a NULL page_address() in dma_direct_alloc', () => {
    const fix = indexOf(h, FIX);
    const boot = simulate(input(i386, commitAt(h, fix)));
    expect(boot.verdict).toBe('pass');
    const [before, , after] = triple(h, CULPRIT, REVERT, { ...i386, workload: 'dma-alloc' });
    const at = simulate(input({ ...i386, workload: 'dma-alloc' }, commitAt(h, fix)));
    expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
    expect(at.signature).toBe('BUG: unable to handle kernel NULL pointer dereference at ADDR');
    expect(at.log).toContain('EIP: dma_direct_alloc+0x22f/0x260');
  });

  it('arm HIGHMEM=y CMA=y: boot and dma-alloc pass at every point (memblock highmem free, DMA remap)', () => {
    for (const workload of ['boot', 'dma-alloc']) {
      const spec = { arch: 'arm', kconfig: { HIGHMEM: true, CMA: true }, workload };
      const all = [...triple(h, CULPRIT, REVERT, spec), simulate(input(spec, commitAt(h, indexOf(h, FIX))))];
      expect(verdicts(all)).toEqual(['pass', 'pass', 'pass', 'pass']);
    }
  });

  it('i386 with HIGHMEM=n or CMA=n passes at every point', () => {
    const noHighmem = triple(h, CULPRIT, REVERT, {
      ...i386,
      kconfig: { HIGHMEM: false, CMA: true },
      workload: 'dma-alloc',
    });
    const noCma = triple(h, CULPRIT, REVERT, { ...i386, kconfig: { HIGHMEM: true, CMA: false } });
    expect(verdicts([...noHighmem, ...noCma])).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
  });
});

describe('seed 003: struct cma from memblock before the linear map (linux-next-20200916-cma)', () => {
  const h = loadHistory('linux-next-20200916-cma');
  const CULPRIT = 'c999bd436fe9';
  const DROP = 'next-20200917';

  it('arm64 and arm with a CMA area: early paging-request fault at the culprit only', () => {
    for (const arch of ['arm64', 'arm']) {
      const [before, at, after] = triple(h, CULPRIT, DROP, { arch, kconfig: { CMA: true } });
      expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
      expect(at.signature).toBe('Unable to handle kernel paging request at virtual address ADDR');
      expect(at.log).toContain('Kernel panic - not syncing: Attempted to kill the idle task!');
      expect(at.log).not.toContain('Zone ranges:');
    }
  });

  it('x86_64 cma=64M, arm64 CMA=n and arm64 cma=0 pass at every point', () => {
    const specs = [
      { arch: 'x86_64', kconfig: { CMA: true }, boot: 'cma=64M' },
      { arch: 'arm64', kconfig: { CMA: false } },
      { arch: 'arm64', kconfig: { CMA: true }, boot: 'cma=0' },
    ];
    const all = specs.flatMap((s) => triple(h, CULPRIT, DROP, s));
    expect(verdicts(all)).toEqual(Array(9).fill('pass'));
    expect(all[1]!.log).toContain('cma: Reserved 64 MiB at');
  });
});

describe('seed 002: raw vmemmap outside every zone (linux-4.15-vmemmap)', () => {
  const h = loadHistory('linux-4.15-vmemmap');
  const CULPRIT = 'f7f99100d8d9';
  const REPAIR = '907ec5fca3dc';
  const cell = { arch: 'x86_64', boot: 'memmap=1G!4G', workload: 'kpageflags', memory: 8 * G, nodes: 2 };

  it('x86_64 8 GiB 2 nodes memmap=1G!4G kpageflags, DEFERRED_STRUCT_PAGE_INIT y and n', () => {
    for (const deferred of [false, true]) {
      const [before, at, after] = triple(h, CULPRIT, REPAIR, {
        ...cell,
        kconfig: { DEFERRED_STRUCT_PAGE_INIT: deferred },
      });
      expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
      expect(at.signature).toBe('BUG: unable to handle kernel paging request at ADDR');
      expect(at.log).toContain('BUG: unable to handle kernel paging request at fffffffffffffffe');
      expect(at.log).toContain('RIP: 0010:stable_page_flags+0x27/0x3c0');
      expect(at.log).toContain('  node   0: [mem 0x0000000000100000-0x00000000bffd6fff]');
      expect(after.log).toContain('Zeroed struct page in unavailable ranges: ');
    }
  });

  it('memmap=1G!7G, or workload boot, passes at every point', () => {
    const seven = triple(h, CULPRIT, REPAIR, { ...cell, boot: 'memmap=1G!7G' });
    const boot = triple(h, CULPRIT, REPAIR, { ...cell, workload: 'boot' });
    expect(verdicts([...seven, ...boot])).toEqual(Array(6).fill('pass'));
    expect(seven[1].log).toContain('  node   0: [mem 0x0000000100000000-0x000000013fffffff]');
  });
});

describe("seed 001: Zi Yan's v11 pageblock isolation (linux-5.19-isolation)", () => {
  const h = loadHistory('linux-5.19-isolation');
  const CULPRIT = 'mm: page_isolation: enable arbitrary range page isolation.';
  const REPAIR = '88ee134320b8';

  it('arm64 hotplug: hung kmemleak at the culprit, pass before and after', () => {
    const spec = {
      arch: 'arm64',
      kconfig: { MEMORY_HOTPLUG: true, MEMORY_HOTREMOVE: true, DEBUG_KMEMLEAK: true },
      workload: 'hotplug',
    };
    const [before, at, after] = triple(h, CULPRIT, REPAIR, spec);
    expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
    expect(at.signature).toBe('INFO: task kmemleak:N blocked for more than N seconds.');
    // with a ZONE_MOVABLE the buddy-head search reaches the unmapped struct page of pfn 0
    const [, crash] = triple(h, CULPRIT, REPAIR, { ...spec, boot: 'movablecore=50%' });
    expect(crash.verdict).toBe('fail');
    expect(crash.log).toContain('Unable to handle kernel paging request at virtual address fffffbfffe000030');
    expect(crash.log).toContain('pc : isolate_single_pageblock');
  });
});

describe('seed 004: compound devmap vmemmap (linux-5.17-devdax)', () => {
  const h = loadHistory('linux-5.17-devdax');
  const CULPRIT = '4917f55b4ef9';
  const REPAIR = '87a7ae75d738';

  it('ppc64 with disable_radix, devdax: fault populating the compound vmemmap at the culprit', () => {
    const [before, at, after] = triple(h, CULPRIT, REPAIR, {
      arch: 'ppc64',
      kconfig: { ZONE_DEVICE: true },
      boot: 'disable_radix',
      workload: 'devdax',
    });
    expect(verdicts([before, at, after])).toEqual(['pass', 'fail', 'pass']);
    expect(at.signature).toBe('BUG: Unable to handle kernel data access on write at ADDR');
    expect(at.log).toContain('MMU=Hash');
    expect(at.log).toContain('memmap_init_zone_device');
  });

  it('ppc64 radix, x86_64 and arm64 devdax pass at every point; x86_64 logs compound vmemmap use', () => {
    const specs = ['ppc64', 'x86_64', 'arm64'].map((arch) => ({
      arch,
      kconfig: { ZONE_DEVICE: true },
      workload: 'devdax',
    }));
    const all = specs.flatMap((s) => triple(h, CULPRIT, REPAIR, s));
    expect(verdicts(all)).toEqual(Array(9).fill('pass'));
    expect(all[4]!.log).toContain('vmemmap_populate_compound_pages');
    expect(all[3]!.log).not.toContain('vmemmap_populate_compound_pages');
  });
});
