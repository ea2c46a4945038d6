/**
 * Struct page initialisation (memmap_init_zone, deferred init, zero_resv_unavail). What each
 * present pfn's struct page holds after boot: initialised, zeroed, or raw vmemmap.
 */
import { clamp, intersect, normalise, subtract, total, type Range } from './intervals.js';
import type { BootState, MemmapState } from './state.js';

/** "Initialise at least 2G of the highest zone" before deferring (update_defer_init). */
const DEFER_AFTER_BYTES = 2 * 2 ** 30;

export function initMemmap(
  s: Pick<BootState, 'p' | 'cfg' | 'sw' | 'zones' | 'nodes' | 'sections' | 'memory' | 'reserved' | 'maxPfn'>,
): MemmapState {
  const deferredOn = s.cfg('DEFERRED_STRUCT_PAGE_INIT');
  let early: Range[] = [];
  let deferred: Range[] = [];
  for (const z of s.zones) {
    // ZONE_MOVABLE stretched for CMA overlaps real zones; overlap_memmap_init() skips it
    if (z.stretched) continue;
    const node = s.nodes.find((n) => n.id === z.node)!;
    const highest = z.end === node.end;
    if (deferredOn && highest) {
      const cut = Math.min(z.end, z.start + DEFER_AFTER_BYTES / 2 ** s.p.pageShift);
      early.push({ start: z.start, end: cut });
      deferred.push({ start: cut, end: z.end });
    } else early.push({ start: z.start, end: z.end });
  }
  // memmap_init_zone() initialises every pfn of the span in a present section (holes too);
  // deferred_init_memmap() later walks memblock.memory only
  early = intersect(early, s.sections);
  deferred = intersect(intersect(deferred, s.sections), s.memory);
  const initialised = normalise([...early, ...deferred]);

  const rest = subtract(s.sections, initialised);
  const rawAllocation = s.sw.vmemmap_no_zeroing && s.cfg('SPARSEMEM_VMEMMAP');
  if (!rawAllocation) {
    return { initialised, zeroed: rest, raw: [], reservedUnavailable: 0, zeroedUnavailable: 0 };
  }
  let zeroed: Range[] = [];
  let reservedUnavailable = 0;
  let zeroedUnavailable = 0;
  if (s.sw.zero_unavailable_pages) {
    // every hole between memblock.memory ranges below max_pfn, in a valid section
    const holes = intersect(subtract([{ start: 0, end: s.maxPfn }], s.memory), s.sections);
    zeroedUnavailable = total(holes);
    zeroed = subtract(holes, initialised);
  } else {
    // zero_resv_unavail(): reserved ranges with no memory behind them
    const resv = intersect(subtract(s.reserved, s.memory), s.sections);
    reservedUnavailable = total(resv);
    zeroed = subtract(resv, initialised);
  }
  const raw = subtract(rest, zeroed);
  return { initialised, zeroed: normalise(zeroed), raw, reservedUnavailable, zeroedUnavailable };
}

/** The first raw struct page below `limit`, if any. */
export function firstRaw(m: MemmapState, limit: number): number | undefined {
  return clamp(m.raw, 0, limit)[0]?.start;
}
