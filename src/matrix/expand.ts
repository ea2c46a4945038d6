/**
 * Matrix expansion with GitHub Actions' documented include/exclude semantics, over flattened
 * combinations (`kconfig.HIGHMEM` is one key):
 * - the cartesian product of the axes, first axis outermost;
 * - every exclude entry removes the combinations it partially matches (applied first);
 * - every include entry is merged into each original combination whose original axis values
 *   it does not contradict (values it adds may be overwritten by later includes); an include
 *   that extends none becomes a new combination of its own.
 */

export type AxisValue = string | number;
export type Combination = Record<string, AxisValue>;

export interface ExpandInput {
  /** Axes in product order, each with at least one value. */
  axes: ReadonlyArray<readonly [string, readonly AxisValue[]]>;
  exclude: readonly Combination[];
  include: readonly Combination[];
}

/** Number of combinations before include/exclude: lets callers refuse huge matrices early. */
export function productSize(axes: ExpandInput['axes']): number {
  return axes.reduce((n, [, values]) => n * values.length, axes.length ? 1 : 0);
}

export function expandMatrix({ axes, exclude, include }: ExpandInput): Combination[] {
  const original = new Set(axes.map(([name]) => name));
  let combos = product(axes);
  combos = combos.filter((c) => !exclude.some((e) => matches(e, c)));
  const extra: Combination[] = [];
  for (const entry of include) {
    let extended = false;
    for (const c of combos) {
      if (Object.entries(entry).every(([k, v]) => !original.has(k) || c[k] === v)) {
        Object.assign(c, entry);
        extended = true;
      }
    }
    if (!extended) extra.push({ ...entry });
  }
  return [...combos, ...extra];
}

/**
 * The cartesian product, first axis outermost: each combination made once, by assignment in
 * axis order (one V8 hidden class for all), counting through the axes like an odometer rather
 * than extending the combinations of the axes before (which made and dropped a third as many
 * again: garbage that was most of a 61,440-cell plan's GC).
 */
function product(axes: ExpandInput['axes']): Combination[] {
  const total = productSize(axes);
  const digits = axes.map(() => 0);
  const combos: Combination[] = new Array<Combination>(total);
  for (let n = 0; n < total; n++) {
    const c: Combination = {};
    for (let a = 0; a < axes.length; a++) c[axes[a]![0]] = axes[a]![1][digits[a]!]!;
    combos[n] = c;
    for (let a = axes.length - 1; a >= 0 && ++digits[a]! === axes[a]![1].length; a--) digits[a] = 0;
  }
  return combos;
}

/** Partial match: every key of the entry has the same value in the combination. */
export function matches(entry: Combination, combo: Combination): boolean {
  for (const k in entry) if (combo[k] !== entry[k]) return false;
  return true;
}

/** `{arch, kconfig: {HIGHMEM: y}}` -> `{arch, 'kconfig.HIGHMEM': y}` */
export function flattenEntry(entry: Record<string, unknown>): Combination {
  const out: Combination = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'kconfig' && v && typeof v === 'object') {
      for (const [sym, val] of Object.entries(v as Record<string, AxisValue>)) out[`kconfig.${sym}`] = val;
    } else if (typeof v === 'string' || typeof v === 'number') {
      out[k] = v;
    }
  }
  return out;
}
