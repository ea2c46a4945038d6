/**
 * Interval arithmetic over half-open integer ranges [start, end): page-frame numbers or byte
 * addresses. Every memory fact of the model is a short sorted list of ranges, never one object
 * per page, so a 64 GiB machine costs what a 1 GiB one does.
 */

/** A half-open range [start, end). */
export interface Range {
  start: number;
  end: number;
}

export function range(start: number, end: number): Range {
  return { start, end };
}

/** Sort, drop empty ranges and merge overlapping or touching ones. Ranges are never mutated in place. */
export function normalise(ranges: readonly Range[]): Range[] {
  let ordered = true;
  for (let i = 0; i < ranges.length && ordered; i++) {
    const r = ranges[i]!;
    ordered = r.end > r.start && (i === 0 || r.start > ranges[i - 1]!.end);
  }
  if (ordered) return ranges as Range[];
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end)
      out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}

export function union(...sets: ReadonlyArray<readonly Range[]>): Range[] {
  return normalise(sets.flat());
}

/** Ranges of `a` that are in `b`. Both are normalised first. */
export function intersect(a: readonly Range[], b: readonly Range[]): Range[] {
  const x = normalise(a);
  const y = normalise(b);
  const out: Range[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    const s = Math.max(x[i]!.start, y[j]!.start);
    const e = Math.min(x[i]!.end, y[j]!.end);
    if (s < e) out.push({ start: s, end: e });
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return out;
}

/** Ranges of `a` that are not in `b`. */
export function subtract(a: readonly Range[], b: readonly Range[]): Range[] {
  const y = normalise(b);
  const out: Range[] = [];
  for (const r of normalise(a)) {
    let cur = r.start;
    for (const h of y) {
      if (h.end <= cur) continue;
      if (h.start >= r.end) break;
      if (h.start > cur) out.push({ start: cur, end: h.start });
      cur = Math.max(cur, h.end);
      if (cur >= r.end) break;
    }
    if (cur < r.end) out.push({ start: cur, end: r.end });
  }
  return out;
}

/** Clamp every range to [lo, hi). */
export function clamp(a: readonly Range[], lo: number, hi: number): Range[] {
  return intersect(a, [{ start: lo, end: hi }]);
}

export function total(a: readonly Range[]): number {
  return a.reduce((n, r) => n + (r.end - r.start), 0);
}

export function contains(a: readonly Range[], x: number): boolean {
  return a.some((r) => x >= r.start && x < r.end);
}

/** The span [min start, max end) of a set, or undefined when empty. */
export function span(a: readonly Range[]): Range | undefined {
  const n = normalise(a);
  if (n.length === 0) return undefined;
  return { start: n[0]!.start, end: n[n.length - 1]!.end };
}

/** Convert byte ranges to the page frames they fully cover (memblock rounds inwards). */
export function toPfnsInner(a: readonly Range[], pageShift: number): Range[] {
  const page = 2 ** pageShift;
  return normalise(a.map((r) => ({ start: Math.ceil(r.start / page), end: Math.floor(r.end / page) })));
}

/** Convert byte ranges to every page frame they touch (reservations round outwards). */
export function toPfnsOuter(a: readonly Range[], pageShift: number): Range[] {
  const page = 2 ** pageShift;
  return normalise(a.map((r) => ({ start: Math.floor(r.start / page), end: Math.ceil(r.end / page) })));
}

/** Align every range outwards to multiples of `unit` (present sections from memory ranges). */
export function alignOuter(a: readonly Range[], unit: number): Range[] {
  return normalise(
    a.map((r) => ({ start: Math.floor(r.start / unit) * unit, end: Math.ceil(r.end / unit) * unit })),
  );
}
