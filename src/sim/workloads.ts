/**
 * What runs after boot: a driver's coherent DMA allocation, a full read of /proc/kpageflags,
 * a memory offline/online loop under kmemleak, and a devdax probe. Each reads modelled state
 * (zones, struct page contents, present sections, vmemmap mapping) and reports like the kernel.
 */
import type { ArchProfile } from './arch.js';
import { clamp, contains, total } from './intervals.js';
import { memRange } from './log.js';
import { firstRaw } from './memmap.js';
import { faultReport, hungTaskReport } from './reports.js';
import type { BootState } from './state.js';
import { isHighmemZone, zoneOfPfn } from './zones.js';

export interface WorkloadResult {
  verdict: 'pass' | 'fail' | 'skip';
  lines: string[];
  /** The report needs the clock to jump (khungtaskd notices after 120 s). */
  waitSeconds?: number;
}

/** Virtual address of pfn's struct page (arm64's vmemmap is offset by memstart_addr). */
export function structPageVa(p: ArchProfile, pfn: number): bigint {
  const first = p.faultStyle === 'arm64' ? Math.floor(p.ramBase / 2 ** p.pageShift) : 0;
  return p.vmemmap + BigInt(pfn - first) * BigInt(p.structPage);
}

const skip = (why: string): WorkloadResult => ({
  verdict: 'skip',
  lines: [`kmatrix-sim: workload skipped: ${why}`],
});

export function dmaAlloc(s: BootState, release: string): WorkloadResult {
  if (!s.cfg('CMA')) return skip('CONFIG_CMA is not set, there is no contiguous DMA area to allocate from');
  const dev = s.p.faultStyle === 'x86' ? 'ata_piix 0000:00:01.1' : 'pata_platform pata_platform.0';
  const lines = [`${dev}: enabling device (0005 -> 0007)`];
  const area = s.cma[0];
  const pageBytes = 2 ** s.p.pageShift;
  // dma_direct_alloc() tries CMA first; a page above the 32-bit DMA mask goes back and buddy is used
  const pfn = area && (area.base + 1) * pageBytes <= 2 ** 32 ? area.base : undefined;
  if (pfn !== undefined) {
    const zone = zoneOfPfn(s, pfn, true);
    const highmem = zone !== undefined && isHighmemZone(s, zone);
    if (highmem && s.p.dmaPath === 'page_address') {
      // page_address() of a "highmem" page with no kmap is NULL; memset(NULL, 0, size) follows
      return {
        verdict: 'fail',
        lines: [
          ...lines,
          ...faultReport(s.p, {
            addr: 0n,
            write: true,
            fn: 'dma_direct_alloc',
            comm: 'swapper',
            pid: 1,
            release,
            trace: [
              'dmam_alloc_coherent',
              'ata_bmdma_port_start',
              'piix_port_start',
              'ata_host_start',
              'ata_pci_sff_activate_host',
              'piix_init_one',
              'pci_device_probe',
              'driver_probe_device',
              'kernel_init_freeable',
              'kernel_init',
              'ret_from_fork',
            ],
            panic: 'Attempted to kill init! exitcode=0x00000009',
          }),
        ],
      };
    }
    if (highmem) lines.push(`${dev}: coherent buffer from highmem pfn ${pfn.toString(16)} remapped`);
  }
  lines.push(
    s.p.faultStyle === 'x86'
      ? 'ata1: PATA max MWDMA2 cmd 0x1f0 ctl 0x3f6 bmdma 0xc040 irq 14'
      : `${dev}: PATA max PIO4 irq 20`,
  );
  return { verdict: 'pass', lines };
}

export function kpageflags(s: BootState, release: string): WorkloadResult {
  // page-types reads every pfn below max_pfn whose section is valid; compound_head() of a raw
  // (all ones) struct page yields ~0 - 1
  const raw = firstRaw(s.memmap, s.maxPfn);
  const valid = total(clamp(s.sections, 0, s.maxPfn));
  if (raw === undefined)
    return {
      verdict: 'pass',
      lines: [`kmatrix-sim: page-types read /proc/kpageflags for ${valid} valid pfns below max_pfn`],
    };
  const allOnes = (1n << BigInt(s.p.bits)) - 1n;
  return {
    verdict: 'fail',
    lines: faultReport(s.p, {
      addr: allOnes - 1n,
      write: false,
      fn: 'stable_page_flags',
      comm: 'page-types',
      pid: 1728,
      release,
      trace: [
        'kpageflags_read',
        'proc_reg_read',
        'vfs_read',
        'ksys_pread64',
        'do_syscall_64',
        'entry_SYSCALL_64_after_hwframe',
      ],
    }),
  };
}

export function hotplug(s: BootState, release: string): WorkloadResult {
  if (!s.cfg('MEMORY_HOTPLUG') || !s.cfg('MEMORY_HOTREMOVE'))
    return skip('memory hotplug needs CONFIG_MEMORY_HOTPLUG and CONFIG_MEMORY_HOTREMOVE');
  const per = 2 ** (s.p.sectionBits - s.p.pageShift);
  const blocks = hotplugBlocks(s, per);
  const lines = [
    `kmatrix-sim: offlining and onlining ${blocks.length} memory blocks in a loop while kmemleak scans`,
  ];
  const b = (pfn: number) => pfn * 2 ** s.p.pageShift;
  const v11 = s.sw.isolate_pageblock && !s.sw.isolate_boundary_fix;
  let offlined = 0;
  for (const blk of blocks) {
    const movable = zoneOfPfn(s, blk.start, false)?.name === 'Movable';
    if (v11) {
      const failure = v11IsolationFailure(s, release, movable);
      return { ...failure, lines: [...lines, ...failure.lines] };
    }
    if (movable) offlined++;
    else if (lines.length < 4) {
      const range = memRange(b(blk.start), b(blk.start + per));
      lines.push(`memory offlining ${range} failed due to failure to isolate range`);
    }
  }
  lines.push(`kmatrix-sim: hotplug loop done, ${offlined} blocks offlined and onlined again`);
  return { verdict: 'pass', lines };
}

/**
 * Online memory blocks without holes, highest first; the first block of each node is left out
 * because the kernel image and early allocations live there.
 */
function hotplugBlocks(s: BootState, per: number): Array<{ start: number; node: number }> {
  const blocks: Array<{ start: number; node: number }> = [];
  for (const n of s.nodes) {
    const first = Math.ceil(n.start / per) * per + per;
    for (const r of n.memory) {
      for (let b = Math.max(first, Math.ceil(r.start / per) * per); b + per <= r.end; b += per)
        blocks.push({ start: b, node: n.id });
    }
  }
  blocks.sort((a, b) => b.start - a.start);
  return blocks;
}

/** kmemleak's scan blocked on mem_hotplug_lock, which an offline that never ends holds. */
const KMEMLEAK_BLOCKED = [
  '__switch_to',
  '__schedule',
  'schedule',
  'percpu_rwsem_wait',
  '__percpu_down_read',
  'get_online_mems',
  'kmemleak_scan',
  'kmemleak_scan_thread',
  'kthread',
  'ret_from_fork',
];

/** What the v11 boundary bugs do to the first block offlined, in or out of ZONE_MOVABLE. */
function v11IsolationFailure(s: BootState, release: string, movable: boolean): WorkloadResult {
  if (!movable) {
    // off-by-one: an unmovable compound page ending exactly at the block's end is taken for a page
    // straddling the boundary; it cannot migrate and is retried forever under mem_hotplug_lock
    const waiter = s.cfg('DEBUG_KMEMLEAK')
      ? hungTaskReport('kmemleak', 1027, release, KMEMLEAK_BLOCKED)
      : [
          'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [tee:3334]',
          'Call trace:',
          ' isolate_single_pageblock',
          ' start_isolate_page_range',
          ' offline_pages',
        ];
    return { verdict: 'fail', lines: waiter, waitSeconds: 123 };
  }
  // the THP at the boundary migrates, the split free page is reallocated under load and the
  // buddy-head search walks down without a MAX_ORDER bound until pfn 0
  if (!contains(s.sections, 0)) {
    return {
      verdict: 'fail',
      lines: faultReport(s.p, {
        addr: structPageVa(s.p, 0) + 0x30n,
        write: false,
        fn: 'isolate_single_pageblock',
        comm: 'tee',
        pid: 3334,
        release,
        trace: [
          'start_isolate_page_range',
          'offline_pages',
          'memory_subsys_offline',
          'device_offline',
          'online_store',
          'kernfs_fop_write_iter',
          'vfs_write',
          'ksys_write',
        ],
        panic: 'Oops: Fatal exception',
      }),
    };
  }
  const waiter = hungTaskReport('kmemleak', 1027, release, [
    '__switch_to',
    '__schedule',
    'schedule',
    'get_online_mems',
    'kmemleak_scan',
    'kmemleak_scan_thread',
    'kthread',
  ]);
  return { verdict: 'fail', lines: waiter, waitSeconds: 123 };
}

export function devdax(s: BootState, release: string): WorkloadResult {
  if (!s.cfg('ZONE_DEVICE'))
    return skip('CONFIG_ZONE_DEVICE is not set, a devdax namespace cannot be probed');
  const ps = s.p.pageShift;
  const G = 2 ** 30;
  const pmem = (s.userMap ?? []).find((e) => e.type === 'persistent (type 12)');
  // an emulated namespace goes above RAM (and above the 32-bit PCI hole)
  const above = Math.max(s.maxPfn * 2 ** ps, s.p.bits === 64 ? 4 * G : 0);
  const start = pmem ? pmem.start : Math.ceil(above / G) * G;
  const end = pmem ? pmem.end : start + G;
  const align = 2 * 2 ** 20;
  const pfn = Math.floor(start / 2 ** ps);
  const pages = Math.floor((end - start) / 2 ** ps);
  const lines = [
    `kmatrix-sim: ndctl create-namespace --mode=devdax --align=2M --map=mem on ${memRange(start, end)}`,
  ];
  const shift = Math.log2(align / 2 ** ps);
  const compound =
    s.sw.devmap_compound_vmemmap &&
    align > 2 ** ps &&
    (!s.sw.vmemmap_can_optimize || s.cfg('ARCH_WANT_OPTIMIZE_VMEMMAP'));
  if (compound && s.hashMmu) {
    // vmemmap_populate_compound_pages() filled init_mm page tables only; the hash MMU needs bolted entries
    return {
      verdict: 'fail',
      lines: [
        ...lines,
        ...faultReport(
          s.p,
          {
            addr: structPageVa(s.p, pfn) + 0x38n,
            write: true,
            fn: 'memmap_init_zone_device',
            comm: 'ndctl',
            pid: 1024,
            release,
            trace: [
              'memremap_pages',
              'devm_memremap_pages',
              'dev_dax_probe',
              'dax_bus_probe',
              'really_probe',
              'driver_probe_device',
              'bind_store',
            ],
          },
          { hashMmu: true },
        ),
      ],
    };
  }
  if (compound)
    lines.push(
      `dax0.0: vmemmap_populate_compound_pages: ${memRange(start, end)} ` +
        `with vmemmap_shift ${shift}, tail vmemmap pages reused`,
    );
  lines.push(`memmap_init_zone_device initialised ${pages} pages in 0ms`);
  return { verdict: 'pass', lines };
}
