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
  let combos: Combination[] = axes.length ? [{}] : [];
  for (const [name, values] of axes) {
    const next: Combination[] = [];
    for (const c of combos) for (const v of values) next.push(extended(c, name, v));
    combos = next;
  }
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
 * `{ ...c, [name]: v }`, built by assignment: a spread followed by a key gives each of 100,000
 * combinations its own V8 hidden class; copies in the same key order share one.
 */
function extended(c: Combination, name: string, v: AxisValue): Combination {
  const out: Combination = {};
  for (const k in c) out[k] = c[k]!;
  out[name] = v;
  return out;
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
