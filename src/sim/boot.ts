/**
 * Memory bring-up in the kernel's order: firmware map, memblock (+ boot parameters), NUMA
 * nodes, CMA reservation, zone spans, struct page init, freeing to the buddy allocator. Each
 * stage reads only modelled state; the first failure stops the boot like the real one would.
 */
import { archProfile, type ArchProfile } from './arch.js';
import { parseBootParams, type BootParams } from './bootparams.js';
import { freeToBuddy, memoryLine } from './buddy.js';
import { reserveCma } from './cma.js';
import { normalise, type Range } from './intervals.js';
import { applyMemmap, buildMemblock, buildNodes, firmwareMap, printMap } from './layout.js';
import { KernelLog } from './log.js';
import { initMemmap } from './memmap.js';
import { badPageReport, faultReport } from './reports.js';
import type { BootState } from './state.js';
import { readSwitches } from './switches.js';
import type { BootParamProblem, SimInput } from './types.js';
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
  const parsed = parseBootParams(input.boot, input.arch);
  const log = new KernelLog();
  const release = releaseOf(input);
  const s = initialState(input, p, parsed.params);
  const run = (failed: boolean, freed: Range[] = []): BootRun => ({ state: s, log, release, failed, freed });
  logBanner(s, log, release, input.boot, parsed.problems);
  setupMemblock(s, input.machine, log);
  if (!setupCma(s, log, release)) return run(true);
  setupZonesAndMemmap(s, log, input.boot, parsed.unknown);
  const freed = freeMemory(s, log, release);
  if (!freed) return run(true);
  startInit(s, log);
  return run(false, freed);
}

/** The state before the first stage: only the firmware map is known. */
function initialState(input: BootInput, p: ArchProfile, params: BootParams): BootState {
  return {
    p,
    cfg: (sym: string) => input.config[sym] === true,
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
}

/** The version banner, the lines each arch prints before memory setup, and malformed options. */
function logBanner(
  s: BootState,
  log: KernelLog,
  release: string,
  cmdline: string,
  problems: BootParamProblem[],
): void {
  const { p } = s;
  log.line(
    `Linux version ${release} (kmatrix@sim) (gcc (GCC) 12.2.0, GNU ld (GNU Binutils) 2.40) #1 SMP PREEMPT`,
  );
  if (p.faultStyle === 'x86') log.line(`Command line: ${cmdline}`);
  if (p.faultStyle === 'ppc')
    log.line(s.hashMmu ? 'hash-mmu: Initializing hash mmu with SLB' : 'radix-mmu: Initializing Radix MMU');
  for (const pr of problems) log.line(`Malformed early option '${pr.param.split('=')[0]}'`);
}

/** memblock from the firmware (or user-edited) map, the lowmem/highmem split, NUMA nodes. */
function setupMemblock(s: BootState, machine: BootInput['machine'], log: KernelLog): void {
  const { p, cfg, params } = s;
  if (p.firmware === 'e820') applyUserMap(s, log);
  const mb = buildMemblock(p, cfg, s.userMap ?? s.firmware, params, log);
  Object.assign(s, { memory: mb.memory, reserved: mb.reserved, maxPfn: mb.maxPfn, maxLowPfn: mb.maxLowPfn });
  s.highmem = cfg('HIGHMEM') && s.maxPfn > s.maxLowPfn;
  if (p.lowmemEnd !== undefined) {
    const mbOf = (pfns: number) => Math.floor((pfns * 2 ** p.pageShift) / 2 ** 20);
    if (s.highmem) log.line(`${mbOf(s.maxPfn - s.maxLowPfn)}MB HIGHMEM available.`);
    log.line(`${mbOf(s.maxLowPfn) - mbOf(Math.floor(p.ramBase / 2 ** p.pageShift))}MB LOWMEM available.`);
  }
  s.nodes = buildNodes(p, cfg, machine, params, s.memory, log);
}

/** e820: print the BIOS map, then the map memmap= and mem= make of it when they are given. */
function applyUserMap(s: BootState, log: KernelLog): void {
  const { params } = s;
  printMap(log, 'BIOS-provided physical RAM map:', 'BIOS-e820', s.firmware);
  if (!params.memmap.length && params.mem === undefined) return;
  s.userMap = applyMemmap(s.firmware, params);
  if (params.mem !== undefined)
    s.userMap = applyMemmap(s.userMap, {
      ...params,
      memmap: [{ kind: 'limit', start: 0, size: params.mem }],
    });
  printMap(log, 'user-defined physical RAM map:', 'user', s.userMap);
}

/** Reserve the CMA areas; false when the reservation itself oopses and the boot stops. */
function setupCma(s: BootState, log: KernelLog, release: string): boolean {
  const cma = reserveCma(s);
  if (cma.structCmaAt !== undefined && s.p.cmaBeforeLinearMap) {
    log.lines_(earlyCmaFault(s.p, cma.structCmaAt, release));
    s.cma = cma.areas;
    return false;
  }
  log.lines_(cma.lines);
  s.cma = cma.areas;
  s.reserved = normalise([...s.reserved, ...cma.reserved]);
  return true;
}

/** The oops of cma_init_reserved_mem() writing to a struct cma at physical address structCmaAt. */
function earlyCmaFault(p: ArchProfile, structCmaAt: number, release: string): string[] {
  // struct cma came from memblock_alloc(); __va() of it is not mapped before paging_init()
  const va = p.pageOffset + BigInt(structCmaAt - p.ramBase);
  return faultReport(p, {
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
  });
}

/** Zone spans and struct page init, then the command line as the kernel echoes it after them. */
function setupZonesAndMemmap(s: BootState, log: KernelLog, cmdline: string, unknown: string[]): void {
  const z = buildZones(s, s.cma);
  Object.assign(s, { zones: z.zones, movableStart: z.movableStart, sections: z.sections });
  printZones(s, log);
  s.memmap = initMemmap(s);
  if (s.memmap.reservedUnavailable)
    log.line(`Reserved but unavailable: ${s.memmap.reservedUnavailable} pages`);
  if (s.memmap.zeroedUnavailable)
    log.line(`Zeroed struct page in unavailable ranges: ${s.memmap.zeroedUnavailable} pages`);
  log.line(`Kernel command line: ${cmdline}`);
  if (unknown.length) {
    log.line(`Unknown kernel command line parameters "${unknown.join(' ')}", will be passed to user space.`);
  }
}

/** mem_init(): free memblock to the buddy allocator; undefined when a double free stops the boot. */
function freeMemory(s: BootState, log: KernelLog, release: string): Range[] | undefined {
  const freed = freeToBuddy(s);
  log.lines_(freed.lines);
  if (freed.doubleFree) {
    log.lines_(badPageReport(s.p, freed.doubleFree.pfn, release, freed.doubleFree.trace));
    return undefined;
  }
  log.line(memoryLine(s, freed.freed, freed.highmemFreed));
  return freed.freed;
}

/** The last lines of a boot that got through memory setup, from the first non-zero timestamp. */
function startInit(s: BootState, log: KernelLog): void {
  log.startClock(0.05);
  if (s.cfg('DEFERRED_STRUCT_PAGE_INIT'))
    for (const n of s.nodes) log.line(`node ${n.id} deferred pages initialised in 0ms`);
  log.line('Freeing unused kernel image (initmem) memory: 1024K');
  log.line('Run /sbin/init as init process');
}
