/**
 * Firmware memory map -> memblock -> NUMA nodes. x86 machines get the e820 map QEMU/SeaBIOS
 * produce (low holes, a BIOS-reserved tail below the 3 GiB PCI hole, RAM continuing at 4 GiB);
 * other arches a flat map from their RAM base. NUMA nodes split the board's RAM equally the way
 * QEMU does, so node 0 of a 2-node 8 GiB x86 guest is [0-3G) + [4G-5G).
 */
import type { ArchProfile } from './arch.js';
import type { BootParams } from './bootparams.js';
import {
  clamp,
  normalise,
  span,
  subtract,
  toPfnsInner,
  toPfnsOuter,
  total,
  type Range,
} from './intervals.js';
import { KernelLog, hex, memRange } from './log.js';
import type { Cfg, MapEntry, NodeState } from './state.js';

const G = 2 ** 30;
const M = 2 ** 20;
/** SeaBIOS keeps the last 0x29000 bytes below the end of low RAM for ACPI tables. */
const BIOS_TAIL = 0x29000;
const PRECEDENCE: MapEntry['type'][] = ['persistent (type 12)', 'ACPI data', 'reserved', 'usable'];

/** End of RAM below 4 GiB on a QEMU PC: 3 GiB once RAM reaches 3.5 GiB, else all of it. */
function lowTop(memory: number): number {
  return memory >= 0xe0000000 ? 0xc0000000 : memory;
}

export function firmwareMap(p: ArchProfile, memory: number): MapEntry[] {
  if (p.firmware === 'flat') return [{ start: p.ramBase, end: p.ramBase + memory, type: 'usable' }];
  const low = lowTop(memory);
  const map: MapEntry[] = [
    { start: 0, end: 0x9fc00, type: 'usable' },
    { start: 0x9fc00, end: 0xa0000, type: 'reserved' },
    { start: 0xf0000, end: 0x100000, type: 'reserved' },
    { start: 0x100000, end: low - BIOS_TAIL, type: 'usable' },
    { start: low - BIOS_TAIL, end: low, type: 'reserved' },
    { start: 0xfeffc000, end: 0xff000000, type: 'reserved' },
    { start: 0xfffc0000, end: 0x100000000, type: 'reserved' },
  ];
  if (memory > low) map.push({ start: 4 * G, end: 4 * G + memory - low, type: 'usable' });
  return map;
}

/** Physical ranges of board RAM offsets [from, to): how QEMU places a NUMA node's share. */
function boardToPhys(p: ArchProfile, memory: number, from: number, to: number): Range[] {
  if (p.firmware === 'flat') return [{ start: p.ramBase + from, end: p.ramBase + to }];
  const low = lowTop(memory);
  return normalise([
    { start: from, end: Math.min(to, low) },
    { start: 4 * G + Math.max(from, low) - low, end: 4 * G + to - low },
  ]);
}

/** Apply memmap= to an e820 map; overlapping entries resolve like e820__update_table (higher type wins). */
export function applyMemmap(map: MapEntry[], params: BootParams): MapEntry[] {
  let entries = [...map];
  for (const e of params.memmap) {
    if (e.kind === 'exactmap') entries = [];
    else if (e.kind === 'limit')
      entries = entries.flatMap((x) =>
        x.type !== 'usable' ? [x] : x.start >= e.size ? [] : [{ ...x, end: Math.min(x.end, e.size) }],
      );
    else {
      const type = (
        { pmem: 'persistent (type 12)', reserved: 'reserved', acpi: 'ACPI data', usable: 'usable' } as const
      )[e.kind];
      entries.push({ start: e.start, end: e.start + e.size, type });
    }
  }
  const out: MapEntry[] = [];
  let claimed: Range[] = [];
  for (const type of PRECEDENCE) {
    const mine = subtract(
      entries.filter((x) => x.type === type),
      claimed,
    );
    claimed = normalise([...claimed, ...mine]);
    out.push(...mine.map((r) => ({ ...r, type })));
  }
  return out.sort((a, b) => a.start - b.start);
}

export function printMap(log: KernelLog, title: string, prefix: string, map: MapEntry[]): void {
  log.line(title);
  for (const e of map) log.line(`${prefix}: ${memRange(e.start, e.end)} ${e.type}`);
}

export interface Memblock {
  memory: Range[];
  reserved: Range[];
  maxPfn: number;
  maxLowPfn: number;
}

/** memblock.memory and .reserved (pfns) after the arch's caps, with the kernel's warnings. */
export function buildMemblock(
  p: ArchProfile,
  cfg: Cfg,
  map: MapEntry[],
  params: BootParams,
  log: KernelLog,
): Memblock {
  const ps = p.pageShift;
  const usable = map.filter((e) => e.type === 'usable');
  let bytes: Range[] = normalise(usable);
  if (p.firmware === 'e820') bytes = subtract(bytes, [{ start: 0, end: 0x1000 }]);
  if (params.mem !== undefined) {
    if (p.firmware === 'e820') bytes = clamp(bytes, 0, params.mem);
    else bytes = limitBySize(bytes, params.mem);
  }
  if (span(bytes) && span(bytes)!.end > p.maxPhys) {
    log.line(`Warning only ${p.maxPhys / G}GB will be used.`);
    bytes = clamp(bytes, 0, p.maxPhys);
  }
  let memory = toPfnsInner(bytes, ps);
  let maxPfn = span(memory)?.end ?? 0;
  let maxLowPfn = maxPfn;
  if (p.lowmemEnd !== undefined) {
    const lowPfn = Math.floor(p.lowmemEnd / 2 ** ps);
    maxLowPfn = Math.min(maxPfn, lowPfn);
    if (maxPfn > lowPfn && !cfg('HIGHMEM')) {
      log.line(`Warning only ${Math.floor((lowPfn << ps) / M) - Math.floor(p.ramBase / M)}MB will be used.`);
      log.line('Use a HIGHMEM enabled kernel.');
      memory = clamp(memory, 0, lowPfn);
      maxPfn = maxLowPfn;
    }
  }
  const kernelStart = p.firmware === 'e820' ? 0x1000000 : p.ramBase + 0x200000;
  const reservedBytes: Range[] = [{ start: kernelStart, end: kernelStart + 0x1800000 }];
  if (p.firmware === 'e820')
    reservedBytes.push({ start: 0, end: 0x10000 }, { start: 0x9f000, end: 0x100000 });
  return { memory, reserved: toPfnsOuter(reservedBytes, ps), maxPfn, maxLowPfn };
}

/** Keep the first `limit` bytes of memory (memblock_mem_limit_remove_map). */
function limitBySize(bytes: Range[], limit: number): Range[] {
  const out: Range[] = [];
  let left = limit;
  for (const r of bytes) {
    if (left <= 0) break;
    const take = Math.min(left, r.end - r.start);
    out.push({ start: r.start, end: r.start + take });
    left -= take;
  }
  return out;
}

/** Split ranges into `parts` consecutive pieces of equal page count (NUMA emulation). */
function splitByAmount(memory: Range[], parts: number): Range[][] {
  const per = Math.ceil(total(memory) / parts);
  const out: Range[][] = Array.from({ length: parts }, () => []);
  let k = 0;
  let used = 0;
  for (const r of memory) {
    let s = r.start;
    while (s < r.end) {
      const take = Math.min(r.end - s, per - used);
      out[k]!.push({ start: s, end: s + take });
      s += take;
      used += take;
      if (used >= per && k < parts - 1) {
        k++;
        used = 0;
      }
    }
  }
  return out;
}

/** Assign memblock.memory to nodes: QEMU's equal split of board RAM, numa=fake=, or one node. */
export function buildNodes(
  p: ArchProfile,
  cfg: Cfg,
  machine: { memory: number; nodes: number },
  params: BootParams,
  memory: Range[],
  log: KernelLog,
): NodeState[] {
  const ps = p.pageShift;
  let groups: Range[][];
  if (!cfg('NUMA') || params.numa?.off) {
    if (cfg('NUMA')) log.line('NUMA turned off');
    const s = span(memory);
    if (cfg('NUMA') && s) log.line(`Faking a node at ${memRange(s.start * 2 ** ps, s.end * 2 ** ps)}`);
    groups = [memory];
  } else if (params.numa?.fakeNodes || params.numa?.fakeSize) {
    const n =
      params.numa.fakeNodes ?? Math.max(1, Math.ceil((total(memory) * 2 ** ps) / params.numa.fakeSize!));
    groups = splitByAmount(memory, Math.min(n, 64));
  } else {
    const n = Math.max(1, machine.nodes);
    groups = [];
    for (let i = 0; i < n; i++) {
      const from = Math.floor((machine.memory / n) * i);
      const to = Math.floor((machine.memory / n) * (i + 1));
      const phys = toPfnsOuter(boardToPhys(p, machine.memory, from, to), ps);
      groups.push(clampAll(memory, phys));
    }
    // RAM that memmap=nn@ss added outside the board belongs to the last node
    const assigned = normalise(groups.flat());
    groups[n - 1] = normalise([...groups[n - 1]!, ...subtract(memory, assigned)]);
  }
  const nodes: NodeState[] = [];
  groups.forEach((g, id) => {
    const s = span(g);
    if (!s) return;
    nodes.push({ id, memory: normalise(g), start: s.start, end: s.end });
  });
  return nodes;
}

function clampAll(memory: Range[], phys: Range[]): Range[] {
  return phys.flatMap((r) => clamp(memory, r.start, r.end));
}

export { hex };
