/** `--explain`: the computed memory map, memblock, node and zone spans, CMA areas and memmap state. */
import { boot } from './boot.js';
import { total, type Range } from './intervals.js';
import { memRange } from './log.js';
import type { BootState } from './state.js';
import type { SimInput } from './types.js';
import { isHighmemZone } from './zones.js';

function pfns(s: BootState, ranges: Range[], max = 6): string {
  if (ranges.length === 0) return 'none';
  const shown = ranges.slice(0, max).map((r) => `${r.start.toString(16)}-${(r.end - 1).toString(16)}`);
  const more = ranges.length > max ? ` (+${ranges.length - max} more)` : '';
  return `${shown.join(', ')}${more} (${total(ranges)} pages)`;
}

export function explainState(s: BootState): string {
  const ps = s.p.pageShift;
  const b = (pfn: number) => pfn * 2 ** ps;
  const out: string[] = [];
  out.push(
    `arch ${s.p.name}: ${2 ** ps / 1024}K pages, section ${2 ** (s.p.sectionBits - 20)} MiB, ` +
      `pageblock order ${s.p.pageblockOrder}, MAX_ORDER ${s.p.maxOrder}`,
  );
  out.push('firmware map:');
  for (const e of s.firmware) out.push(`  ${memRange(e.start, e.end)} ${e.type}`);
  if (s.userMap) {
    out.push('after memmap=/mem=:');
    for (const e of s.userMap) out.push(`  ${memRange(e.start, e.end)} ${e.type}`);
  }
  out.push(`memblock.memory   (pfn): ${pfns(s, s.memory)}`);
  out.push(`memblock.reserved (pfn): ${pfns(s, s.reserved)}`);
  const highmem = s.highmem ? ' (highmem present)' : '';
  out.push(`max_pfn ${s.maxPfn.toString(16)}, max_low_pfn ${s.maxLowPfn.toString(16)}${highmem}`);
  out.push('nodes:');
  for (const n of s.nodes)
    out.push(`  node ${n.id}: span ${memRange(b(n.start), b(n.end))}, memory ${pfns(s, n.memory)}`);
  out.push('zones (spans may contain holes):');
  for (const z of s.zones) {
    const tags = [
      z.stretched ? 'stretched over the node for CMA' : '',
      isHighmemZone(s, z) ? 'is_highmem' : '',
    ].filter(Boolean);
    const pfnSpan = `${z.start.toString(16)}-${(z.end - 1).toString(16)}`;
    const tagged = tags.length ? ` [${tags.join(', ')}]` : '';
    out.push(
      `  node ${z.node} ${z.name.padEnd(8)} pfn ${pfnSpan} ${memRange(b(z.start), b(z.end))}${tagged}`,
    );
  }
  out.push(`present sections (pfn): ${pfns(s, s.sections)}`);
  out.push('CMA areas:');
  if (s.cma.length === 0) out.push('  none');
  for (const a of s.cma) out.push(`  ${a.name}: ${memRange(b(a.base), b(a.base + a.count))} node ${a.node}`);
  out.push('struct pages:');
  out.push(`  initialised (__init_single_page): ${pfns(s, s.memmap.initialised)}`);
  out.push(`  zeroed, not initialised:          ${pfns(s, s.memmap.zeroed)}`);
  out.push(`  raw vmemmap (0xff poison):        ${pfns(s, s.memmap.raw)}`);
  out.push(
    `switches: ${
      Object.entries(s.sw)
        .filter(([k, v]) => k !== 'inject' && v === true)
        .map(([k]) => k)
        .join(', ') || 'none'
    }`,
  );
  return out.join('\n') + '\n';
}

/** The --explain text for a cell. Boots the model (stopping where the boot stops) and describes it. */
export function explainCell(input: SimInput): string {
  return explainState(boot(input).state);
}
