/**
 * Handing memory to the buddy allocator at mem_init(): x86_32 frees highmem by walking every
 * highmem zone's span (set_highmem_pages_init), arm by walking memblock (free_highpages), then
 * free_all_bootmem() frees low memory. A pfn freed twice is a "Bad page state".
 */
import { clamp, intersect, normalise, subtract, total, type Range } from './intervals.js';
import { xdigits } from './log.js';
import type { BootState } from './state.js';
import { isHighmemZone, zoneOfPfn } from './zones.js';

export interface FreeResult {
  /** Pfns in the buddy allocator after mem_init. */
  freed: Range[];
  highmemFreed: number;
  lines: string[];
  /** First pfn freed a second time, and the call chain that did it. */
  doubleFree?: { pfn: number; trace: string[] };
}

/** Pfns of `walk` (in order) whose struct page currently belongs to the walked zone. */
function pagesOfZone(s: BootState, walk: Range[], zoneIndex: number): Range[] {
  const z = s.zones[zoneIndex]!;
  // pages belong to a stretched ZONE_MOVABLE only once CMA activates them, which is later
  if (z.stretched) return [];
  return walk.filter((r) => zoneOfPfn(s, r.start, false) === z);
}

export function freeToBuddy(s: BootState): FreeResult {
  const free = intersect(subtract(s.memory, s.reserved), s.sections);
  const lines: string[] = [];
  let freed: Range[] = [];
  let highmemFreed = 0;
  const release = (walk: Range[], trace: string[]): FreeResult['doubleFree'] => {
    const again = intersect(walk, freed);
    freed = normalise([...freed, ...walk]);
    return again.length ? { pfn: again[0]!.start, trace } : undefined;
  };
  if (s.highmem && s.p.highmemFree === 'zones') {
    // set_highmem_pages_init(): for_each_zone, is_highmem(zone) -> add_highpages_with_active_regions()
    for (let i = 0; i < s.zones.length; i++) {
      const z = s.zones[i]!;
      if (!isHighmemZone(s, z)) continue;
      const label = z.name === 'Movable' ? 'Movable' : 'HighMem';
      lines.push(`Initializing ${label} for node ${z.node} (${xdigits(z.start, 8)}:${xdigits(z.end, 8)})`);
      let walk = clamp(free, z.start, z.end);
      if (s.sw.highmem_init_clamp)
        walk = pagesOfZone(
          s,
          walk.flatMap((r) => splitByZone(s, r)),
          i,
        );
      highmemFreed += total(walk);
      const bad = release(walk, [
        '__free_pages',
        'free_highmem_page',
        'add_highpages_with_active_regions',
        'set_highmem_pages_init',
        'mem_init',
        'start_kernel',
      ]);
      if (bad) return { freed, highmemFreed, lines, doubleFree: bad };
    }
  }
  const low = s.highmem ? clamp(free, 0, s.maxLowPfn) : free;
  const bad = release(low, [
    '__free_pages',
    '__free_pages_boot_core',
    'free_all_bootmem',
    'mem_init',
    'start_kernel',
  ]);
  if (bad) return { freed, highmemFreed, lines, doubleFree: bad };
  if (s.highmem && s.p.highmemFree === 'memblock') {
    // arm free_highpages(): memblock free ranges above max_low_pfn, whatever the zones say
    const high = clamp(free, s.maxLowPfn, s.maxPfn);
    highmemFreed += total(high);
    const bad2 = release(high, [
      '__free_pages',
      'free_highmem_page',
      'free_highpages',
      'mem_init',
      'start_kernel',
    ]);
    if (bad2) return { freed, highmemFreed, lines, doubleFree: bad2 };
  }
  return { freed, highmemFreed, lines };
}

/** Split a range at every zone boundary so each piece lies in one (non-stretched) zone. */
function splitByZone(s: BootState, r: Range): Range[] {
  const cuts = new Set<number>([r.start, r.end]);
  for (const z of s.zones) for (const c of [z.start, z.end]) if (c > r.start && c < r.end) cuts.add(c);
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(1).map((end, i) => ({ start: sorted[i]!, end }));
}

/** The "Memory: ...K/...K available" line printed by mem_init_print_info(). */
export function memoryLine(s: BootState, freed: Range[], highmemFreed: number): string {
  const kb = (pages: number) => (pages * 2 ** s.p.pageShift) / 1024;
  const physpages = total(s.memory);
  const cma = s.cma.reduce((n, a) => n + a.count, 0);
  const available = total(freed);
  const reserved = physpages - available - cma;
  const high = s.highmem ? `, ${kb(highmemFreed)}K highmem` : '';
  // the kernel image is not modelled, so its section sizes are fixed
  const image = '12288K kernel code, 2048K rwdata, 4096K rodata, 1024K init, 1536K bss';
  return (
    `Memory: ${kb(available)}K/${kb(physpages)}K available (${image}, ` +
    `${kb(reserved)}K reserved, ${kb(cma)}K cma-reserved${high})`
  );
}
