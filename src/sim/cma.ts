/**
 * CMA reservation (dma_contiguous_reserve -> cma_declare_contiguous): size from cma= or
 * CMA_SIZE_MBYTES, alignment, top-down placement preferring highmem, and where struct cma lives.
 */
import { intersect, normalise, subtract, type Range } from './intervals.js';
import { hex } from './log.js';
import type { BootState, CmaArea } from './state.js';

export interface CmaResult {
  areas: CmaArea[];
  lines: string[];
  /** Physical byte address of the struct cma memblock_alloc() returned (cma_areas_memblock). */
  structCmaAt?: number;
  /** Pfn ranges memblock-reserved by the reservation. */
  reserved: Range[];
}

/** Top-down aligned allocation of `count` pfns from `free` within [lo, hi). */
export function allocTopDown(
  free: Range[],
  count: number,
  align: number,
  lo: number,
  hi: number,
): number | undefined {
  const within = intersect(free, [{ start: lo, end: hi }]);
  for (let i = within.length - 1; i >= 0; i--) {
    const r = within[i]!;
    const start = Math.floor((r.end - count) / align) * align;
    if (start >= r.start) return start;
  }
  return undefined;
}

export function reserveCma(
  s: Pick<
    BootState,
    'p' | 'cfg' | 'sw' | 'params' | 'memory' | 'reserved' | 'maxPfn' | 'maxLowPfn' | 'nodes'
  >,
): CmaResult {
  const none: CmaResult = { areas: [], lines: [], reserved: [] };
  if (!s.cfg('CMA')) return none;
  const ps = s.p.pageShift;
  const bytes = s.params.cma?.size ?? (s.p.cmaDefaultMiB ?? 0) * 2 ** 20;
  if (bytes <= 0) return none;
  // before Zi Yan's series CMA aligned to max(MAX_ORDER - 1, pageblock_order), after it to pageblock_order
  const order = s.sw.isolate_pageblock ? s.p.pageblockOrder : Math.max(s.p.maxOrder - 1, s.p.pageblockOrder);
  const align = 2 ** order;
  const count = Math.ceil(bytes / 2 ** ps / align) * align;
  const mib = (count * 2 ** ps) / 2 ** 20;
  const archLimit =
    s.p.cmaLimit === 'lowmem'
      ? s.maxLowPfn
      : s.p.cmaLimit === 'dma32'
        ? Math.min(s.maxPfn, 2 ** (32 - ps))
        : s.maxPfn;
  const cmdLimit = s.params.cma?.limit ? Math.floor(s.params.cma.limit / 2 ** ps) : 0;
  const limit = cmdLimit ? Math.min(cmdLimit, archLimit) : archLimit;
  const free = subtract(s.memory, s.reserved);
  const highmemStart = s.maxLowPfn;
  const width = s.p.bits === 32 ? 8 : 16;
  let base: number | undefined;
  const fixed = s.params.cma?.base ? Math.floor(s.params.cma.base / 2 ** ps) : undefined;
  if (fixed !== undefined) {
    const want = [{ start: fixed, end: fixed + count }];
    const ok = subtract(want, free).length === 0 && !(fixed < highmemStart && fixed + count > highmemStart);
    base = ok ? fixed : undefined;
  } else {
    // "try allocating from high memory first and fall back to low memory"
    if (limit > highmemStart) base = allocTopDown(free, count, align, highmemStart, limit);
    base ??= allocTopDown(
      free,
      count,
      align,
      0,
      Math.min(limit, highmemStart < limit ? highmemStart : limit),
    );
  }
  if (base === undefined) return { ...none, lines: [`cma: Failed to reserve ${mib} MiB`] };
  const node = s.nodes.find((n) => base! >= n.start && base! < n.end)?.id ?? 0;
  const areas: CmaArea[] = [{ name: 'reserved', base, count, node }];
  const reserved = normalise([{ start: base, end: base + count }]);
  const lines = [`cma: Reserved ${mib} MiB at ${hex(base * 2 ** ps, width)}`];
  if (!s.sw.cma_areas_memblock) return { areas, lines, reserved };
  // struct cma from memblock_alloc(): top-down below the memblock limit (lowmem on 32-bit)
  const structPfn = allocTopDown(subtract(free, reserved), 1, 1, 0, s.maxLowPfn);
  if (structPfn === undefined) return { areas, lines, reserved };
  const structCmaAt = (structPfn + 1) * 2 ** ps - 0x80;
  return {
    areas,
    lines,
    structCmaAt,
    reserved: normalise([...reserved, { start: structPfn, end: structPfn + 1 }]),
  };
}
