/**
 * Memory bring-up in the kernel's order: firmware map, memblock (+ boot parameters), NUMA
 * nodes, CMA reservation, zone spans, struct page init, freeing to the buddy allocator. Each
 * stage reads only modelled state; the first failure stops the boot like the real one would.
 */
import { archProfile } from './arch.js';
import { parseBootParams } from './bootparams.js';
import { freeToBuddy, memoryLine } from './buddy.js';
import { reserveCma } from './cma.js';
import { normalise, type Range } from './intervals.js';
import { applyMemmap, buildMemblock, buildNodes, firmwareMap, printMap } from './layout.js';
import { KernelLog } from './log.js';
import { initMemmap } from './memmap.js';
import { badPageReport, faultReport } from './reports.js';
import type { BootState } from './state.js';
import { readSwitches } from './switches.js';
import type { SimInput } from './types.js';
import { buildZones, printZones } from './zones.js';

export interface BootRun {
  state: BootState;
  log: KernelLog;
  release: string;
  failed: boolean;
  /** Pfns in the buddy allocator after mem_init. */
  freed: Range[];
}

/** What boot reads of a cell's input: the workload, attempt, seed and axes come after it. */
export type BootInput = Pick<SimInput, 'arch' | 'config' | 'boot' | 'machine' | 'switches'> & {
  commit: Pick<SimInput['commit'], 'sha' | 'version'>;
};

export function releaseOf(input: BootInput): string {
  const version = input.commit.version ?? '6.1.0';
  const sha = /^[0-9a-f]{12,}$/i.test(input.commit.sha) ? `-g${input.commit.sha.slice(0, 12)}` : '';
  return `${version}${sha}`;
}

export function boot(input: BootInput): BootRun {
  const p = archProfile(input.arch);
  const cfg = (sym: string) => input.config[sym] === true;
  const parsed = parseBootParams(input.boot, input.arch);
  const params = parsed.params;
  const log = new KernelLog();
  const release = releaseOf(input);
  const s: BootState = {
    p,
    cfg,
    sw: readSwitches(input.switches),
    params,
    firmware: firmwareMap(p, input.machine.memory),
    memory: [],
    reserved: [],
    nodes: [],
    maxPfn: 0,
    maxLowPfn: 0,
    highmem: false,
    zones: [],
    movableStart: new Map(),
    sections: [],
    cma: [],
    memmap: { initialised: [], zeroed: [], raw: [], reservedUnavailable: 0, zeroedUnavailable: 0 },
    hashMmu: p.faultStyle === 'ppc' && params.disableRadix,
  };
  const run: BootRun = { state: s, log, release, failed: false, freed: [] };
  log.line(
    `Linux version ${release} (kmatrix@sim) (gcc (GCC) 12.2.0, GNU ld (GNU Binutils) 2.40) #1 SMP PREEMPT`,
  );
  if (p.faultStyle === 'x86') log.line(`Command line: ${input.boot}`);
  if (p.faultStyle === 'ppc')
    log.line(s.hashMmu ? 'hash-mmu: Initializing hash mmu with SLB' : 'radix-mmu: Initializing Radix MMU');
  for (const pr of parsed.problems) log.line(`Malformed early option '${pr.param.split('=')[0]}'`);

  if (p.firmware === 'e820') {
    printMap(log, 'BIOS-provided physical RAM map:', 'BIOS-e820', s.firmware);
    if (params.memmap.length || params.mem !== undefined) {
      s.userMap = applyMemmap(s.firmware, params);
      if (params.mem !== undefined)
        s.userMap = applyMemmap(s.userMap, {
          ...params,
          memmap: [{ kind: 'limit', start: 0, size: params.mem }],
        });
      printMap(log, 'user-defined physical RAM map:', 'user', s.userMap);
    }
  }
  const mb = buildMemblock(p, cfg, s.userMap ?? s.firmware, params, log);
  Object.assign(s, { memory: mb.memory, reserved: mb.reserved, maxPfn: mb.maxPfn, maxLowPfn: mb.maxLowPfn });
  s.highmem = cfg('HIGHMEM') && s.maxPfn > s.maxLowPfn;
  if (p.lowmemEnd !== undefined) {
    const mbOf = (pfns: number) => Math.floor((pfns * 2 ** p.pageShift) / 2 ** 20);
    if (s.highmem) log.line(`${mbOf(s.maxPfn - s.maxLowPfn)}MB HIGHMEM available.`);
    log.line(`${mbOf(s.maxLowPfn) - mbOf(Math.floor(p.ramBase / 2 ** p.pageShift))}MB LOWMEM available.`);
  }
  s.nodes = buildNodes(p, cfg, input.machine, params, s.memory, log);

  const cma = reserveCma(s);
  if (cma.structCmaAt !== undefined && p.cmaBeforeLinearMap) {
    // struct cma came from memblock_alloc(); __va() of it is not mapped before paging_init()
    const va = p.pageOffset + BigInt(cma.structCmaAt - p.ramBase);
    log.lines_(
      faultReport(p, {
        addr: va + 8n,
        write: true,
        fn: 'cma_init_reserved_mem',
        comm: 'swapper',
        pid: 0,
        release,
        trace: [
          'cma_declare_contiguous_nid',
          'dma_contiguous_reserve_area',
          'dma_contiguous_reserve',
          p.faultStyle === 'arm64' ? 'arm64_memblock_init' : 'arm_memblock_init',
          'setup_arch',
          'start_kernel',
        ],
        panic: 'Attempted to kill the idle task!',
      }),
    );
    s.cma = cma.areas;
    run.failed = true;
    return run;
  }
  log.lines_(cma.lines);
  s.cma = cma.areas;
  s.reserved = normalise([...s.reserved, ...cma.reserved]);

  const z = buildZones(s, s.cma);
  Object.assign(s, { zones: z.zones, movableStart: z.movableStart, sections: z.sections });
  printZones(s, log);
  s.memmap = initMemmap(s);
  if (s.memmap.reservedUnavailable)
    log.line(`Reserved but unavailable: ${s.memmap.reservedUnavailable} pages`);
  if (s.memmap.zeroedUnavailable)
    log.line(`Zeroed struct page in unavailable ranges: ${s.memmap.zeroedUnavailable} pages`);
  log.line(`Kernel command line: ${input.boot}`);
  if (parsed.unknown.length) {
    log.line(
      `Unknown kernel command line parameters "${parsed.unknown.join(' ')}", will be passed to user space.`,
    );
  }

  const freed = freeToBuddy(s);
  log.lines_(freed.lines);
  if (freed.doubleFree) {
    log.lines_(badPageReport(p, freed.doubleFree.pfn, release, freed.doubleFree.trace));
    run.failed = true;
    return run;
  }
  run.freed = freed.freed;
  log.line(memoryLine(s, freed.freed, freed.highmemFreed));
  log.startClock(0.05);
  if (cfg('DEFERRED_STRUCT_PAGE_INIT'))
    for (const n of s.nodes) log.line(`node ${n.id} deferred pages initialised in 0ms`);
  log.line('Freeing unused kernel image (initmem) memory: 1024K');
  log.line('Run /sbin/init as init process');
  return run;
}
