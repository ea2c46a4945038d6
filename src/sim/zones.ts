/**
 * Node and zone spans (free_area_init), ZONE_MOVABLE from kernelcore=/movablecore= or stretched
 * over a node for CMA (cma_zone_movable), present sections, and the zone a pfn's struct page
 * belongs to.
 */
import type { ArchProfile, ZoneName } from './arch.js';
import type { SizeOrPercent } from './bootparams.js';
import { alignOuter, clamp, total, type Range } from './intervals.js';
import { KernelLog, hex, memRange } from './log.js';
import type { BootState, CmaArea, NodeState, ZoneState } from './state.js';

/** Arch zone bounds as pfns, the HighMem/Normal split at max_low_pfn. */
export function zoneBounds(
  p: ArchProfile,
  maxLowPfn: number,
  maxPfn: number,
): Array<{ name: ZoneName; start: number; end: number }> {
  const out: Array<{ name: ZoneName; start: number; end: number }> = [];
  let lo = 0;
  for (const z of p.zones) {
    let end = Math.min(Math.floor(z.end / 2 ** p.pageShift), maxPfn);
    if (z.name === 'Normal' && p.lowmemEnd !== undefined) end = maxLowPfn;
    if (z.name === 'HighMem') end = maxPfn;
    out.push({ name: z.name, start: lo, end: Math.max(lo, end) });
    lo = Math.max(lo, end);
  }
  return out;
}

function pagesOf(v: SizeOrPercent | undefined, totalPages: number, pageShift: number): number | undefined {
  if (!v || 'mirror' in v) return undefined;
  if ('percent' in v) return Math.floor((totalPages * v.percent) / 100);
  return Math.floor(v.bytes / 2 ** pageShift);
}

/** find_zone_movable_pfns_for_nodes(), spreading the movable share evenly over nodes. */
function movableStarts(
  s: Pick<BootState, 'p' | 'params'>,
  nodes: NodeState[],
  bounds: ReturnType<typeof zoneBounds>,
): Map<number, number> {
  const out = new Map<number, number>();
  const all = nodes.flatMap((n) => n.memory);
  const totalPages = total(all);
  const movable = pagesOf(s.params.movablecore, totalPages, s.p.pageShift);
  const kernel = pagesOf(s.params.kernelcore, totalPages, s.p.pageShift);
  let required = movable ?? (kernel !== undefined ? totalPages - kernel : 0);
  if (required <= 0 || nodes.length === 0) return out;
  required = Math.min(required, totalPages);
  // ZONE_MOVABLE is carved from the highest populated zone
  const top = [...bounds].reverse().find((b) => total(clamp(all, b.start, b.end)) > 0)!;
  const align = 2 ** (s.p.maxOrder - 1);
  const share = Math.ceil(required / nodes.length);
  for (const n of nodes) {
    const inTop = clamp(n.memory, top.start, top.end);
    if (inTop.length === 0) continue;
    let left = share;
    let start = inTop[0]!.start;
    for (let i = inTop.length - 1; i >= 0 && left > 0; i--) {
      const r = inTop[i]!;
      const take = Math.min(left, r.end - r.start);
      start = r.end - take;
      left -= take;
    }
    start = Math.min(Math.ceil(start / align) * align, n.end);
    if (start < n.end) out.set(n.id, start);
  }
  return out;
}

export interface ZoneLayout {
  zones: ZoneState[];
  movableStart: Map<number, number>;
  sections: Range[];
}

/** Zone spans per node. `cma` areas stretch ZONE_MOVABLE over their node when cma_zone_movable is set. */
export function buildZones(
  s: Pick<BootState, 'p' | 'params' | 'sw' | 'nodes' | 'maxPfn' | 'maxLowPfn' | 'memory'>,
  cma: CmaArea[],
): ZoneLayout {
  const bounds = zoneBounds(s.p, s.maxLowPfn, s.maxPfn);
  const movableStart = movableStarts(s, s.nodes, bounds);
  const zones: ZoneState[] = [];
  for (const n of s.nodes) {
    const mv = movableStart.get(n.id);
    for (const b of bounds) {
      const start = Math.max(b.start, n.start);
      const end = Math.min(b.end, n.end, mv ?? Infinity);
      if (end > start) zones.push({ name: b.name, node: n.id, start, end });
    }
    if (mv !== undefined) zones.push({ name: 'Movable', node: n.id, start: mv, end: n.end });
    else if (s.sw.cma_zone_movable && cma.some((a) => a.node === n.id)) {
      zones.push({ name: 'Movable', node: n.id, start: n.start, end: n.end, stretched: true });
    }
  }
  const pagesPerSection = 2 ** (s.p.sectionBits - s.p.pageShift);
  return { zones, movableStart, sections: alignOuter(s.memory, pagesPerSection) };
}

/** movable_zone is the highest zone with present pages; on 32-bit with highmem that is HighMem. */
export function movableIsHighmem(s: Pick<BootState, 'zones' | 'memory'>): boolean {
  const populated = s.zones.filter((z) => z.name !== 'Movable' && total(clamp(s.memory, z.start, z.end)) > 0);
  return populated.some((z) => z.name === 'HighMem');
}

/** is_highmem(zone): ZONE_HIGHMEM, or ZONE_MOVABLE when it is carved from highmem. */
export function isHighmemZone(s: Pick<BootState, 'zones' | 'memory'>, z: ZoneState): boolean {
  return z.name === 'HighMem' || (z.name === 'Movable' && movableIsHighmem(s));
}

/** page_zone(pfn_to_page(pfn)): activated CMA pages live in ZONE_MOVABLE under cma_zone_movable. */
export function zoneOfPfn(
  s: Pick<BootState, 'zones' | 'sw' | 'cma'>,
  pfn: number,
  cmaActive: boolean,
): ZoneState | undefined {
  const here = s.zones.filter((z) => pfn >= z.start && pfn < z.end);
  const inCma = s.cma.some((a) => pfn >= a.base && pfn < a.base + a.count);
  if (cmaActive && inCma && s.sw.cma_zone_movable) return here.find((z) => z.name === 'Movable');
  return here.find((z) => !z.stretched);
}

export function printZones(s: BootState, log: KernelLog): void {
  const ps = s.p.pageShift;
  const b = (pfn: number) => pfn * 2 ** ps;
  const minPfn = s.memory[0]?.start ?? 0;
  log.line('Zone ranges:');
  for (const z of zoneBounds(s.p, s.maxLowPfn, s.maxPfn)) {
    const lo = Math.max(z.start, minPfn);
    log.line(`  ${z.name.padEnd(8)} ${z.end > lo ? memRange(b(lo), b(z.end)) : 'empty'}`);
  }
  log.line('Movable zone start for each node');
  for (const [nid, pfn] of s.movableStart) log.line(`  Node ${nid}: ${hex(b(pfn))}`);
  log.line('Early memory node ranges');
  for (const n of s.nodes)
    for (const r of n.memory)
      log.line(`  node ${String(n.id).padStart(3)}: ${memRange(b(r.start), b(r.end))}`);
  for (const n of s.nodes) log.line(`Initmem setup node ${n.id} ${memRange(b(n.start), b(n.end))}`);
}
