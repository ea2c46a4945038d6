/**
 * Failure explanation (pure): for each failure signature of a run, the smallest conjunction of
 * axis values (`arch=i386 & kconfig.HIGHMEM=y & kconfig.CMA=y`) that selects exactly the
 * executed cells failing with it, or, when none does, the conjunction that comes closest (all
 * failing cells, fewest others) with its counter-examples.
 *
 * Only literals every failing cell shares can be part of a covering conjunction, so the search
 * is over subsets of those, smallest first, with bitsets over the executed cells; it is bounded
 * by `maxSize` and a work budget, beyond which a greedy choice is made.
 */
import type { CellResult, Explanation, RunReport } from '../report/schema.js';

export interface ExplainOptions {
  /** Largest conjunction searched exhaustively. */
  maxSize?: number;
  /** Counter-examples listed per explanation. */
  maxCounterExamples?: number;
  /** Bitset words the exhaustive search may touch per signature. */
  budget?: number;
}

const EXECUTED = new Set(['pass', 'fail', 'flaky']);

/** Axes of a report: its own list, or the ones its cells show. */
export function reportAxes(report: Pick<RunReport, 'axes' | 'cells'>): string[] {
  if (report.axes?.length) return report.axes;
  const symbols = new Set<string>();
  for (const c of report.cells) for (const s of Object.keys(c.kconfig)) symbols.add(s);
  return ['arch', ...[...symbols].sort().map((s) => `kconfig.${s}`), 'boot', 'workload', 'commit'];
}

/** The value of an axis on a cell, or undefined when the cell does not say. */
export function axisValue(cell: CellResult, axis: string): string | undefined {
  if (axis === 'arch') return cell.arch;
  if (axis === 'boot') return cell.boot;
  if (axis === 'workload') return cell.workload;
  if (axis === 'commit') return cell.commit;
  if (axis === 'memory') return cell.machine ? String(cell.machine.memory) : undefined;
  if (axis === 'nodes') return cell.machine ? String(cell.machine.nodes) : undefined;
  if (axis.startsWith('kconfig.')) {
    const sym = axis.slice('kconfig.'.length);
    return cell.kconfig[sym] ?? cell.resolved[sym];
  }
  return undefined;
}

/** `axis=value`, quoting values that are empty or would read ambiguously. */
export function formatLiteral(axis: string, value: string): string {
  // a full sha reads as noise; 12 digits name a commit as git's short form does
  if (axis === 'commit' && /^[0-9a-f]{40,64}$/.test(value)) return `commit=${value.slice(0, 12)}`;
  return /^$|[\s&"]/.test(value) ? `${axis}=${JSON.stringify(value)}` : `${axis}=${value}`;
}

export function explainReport(
  report: Pick<RunReport, 'axes' | 'cells'>,
  options: ExplainOptions = {},
): Explanation[] {
  const maxSize = options.maxSize ?? 4;
  const maxCounter = options.maxCounterExamples ?? 50;
  const budget = options.budget ?? 50_000_000;
  const executed = report.cells.filter((c) => EXECUTED.has(c.status));
  const axes = reportAxes(report);
  const words = Math.ceil(executed.length / 32);
  const all = bits(words, executed, () => true);
  // axis values that vary among executed cells: a constant one explains nothing
  const varying = axes.filter((a) => new Set(executed.map((c) => axisValue(c, a))).size > 1);
  const signatures = [...new Set(executed.filter(isFailing).map((c) => c.signature!))].sort();
  const out: Explanation[] = [];
  for (const signature of signatures) {
    const failing = bits(words, executed, (c) => isFailing(c) && c.signature === signature);
    const failIdx = executed.findIndex((c) => isFailing(c) && c.signature === signature);
    const first = executed[failIdx]!;
    const literals: Array<{ text: string; set: Uint32Array }> = [];
    for (const axis of varying) {
      const value = axisValue(first, axis);
      if (value === undefined) continue;
      const set = bits(words, executed, (c) => axisValue(c, axis) === value);
      if (subset(failing, set)) literals.push({ text: formatLiteral(axis, value), set });
    }
    const nFail = count(failing);
    const chosen = smallestExact(literals, nFail, all, maxSize, budget) ?? greedy(literals, all);
    const selected = intersect(
      chosen.map((i) => literals[i]!.set),
      all,
    );
    const counterExamples: string[] = [];
    for (let i = 0; i < executed.length && counterExamples.length < maxCounter; i++) {
      if (has(selected, i) && !has(failing, i)) counterExamples.push(executed[i]!.id);
    }
    const exact = count(selected) === nFail;
    out.push({
      signature,
      conjunction: chosen.map((i) => literals[i]!.text),
      exact,
      counterExamples,
      failing: nFail,
    });
  }
  return out;
}

/** A human line: "Bad page state <= arch=i386 & kconfig.HIGHMEM=y (exact)". */
export function formatExplanation(e: Explanation): string {
  const conj = e.conjunction.length ? e.conjunction.join(' & ') : '(every executed cell)';
  const ce = e.counterExamples;
  const shown = `${ce.slice(0, 5).join(', ')}${ce.length > 5 ? ', ...' : ''}`;
  const tail = e.exact
    ? ''
    : ` (closest; ${ce.length} counter-example${ce.length === 1 ? '' : 's'}: ${shown})`;
  return `${e.signature} <= ${conj}${tail}`;
}

function isFailing(c: CellResult): boolean {
  return (c.status === 'fail' || c.status === 'flaky') && c.signature !== undefined;
}

function smallestExact(
  literals: Array<{ set: Uint32Array }>,
  nFail: number,
  all: Uint32Array,
  maxSize: number,
  budget: number,
): number[] | undefined {
  let spent = 0;
  for (let size = 0; size <= Math.min(maxSize, literals.length); size++) {
    for (const combo of combinations(literals.length, size)) {
      spent += all.length * Math.max(1, size);
      if (spent > budget) return undefined;
      if (
        count(
          intersect(
            combo.map((i) => literals[i]!.set),
            all,
          ),
        ) === nFail
      )
        return combo;
    }
  }
  return undefined;
}

/** Add the literal that removes most non-failing cells until none removes any; then drop redundant ones. */
function greedy(literals: Array<{ set: Uint32Array }>, all: Uint32Array): number[] {
  const chosen: number[] = [];
  let current = intersect([], all);
  for (;;) {
    let best = -1;
    let bestCount = count(current);
    literals.forEach((l, i) => {
      const c = count(intersect([current, l.set], all));
      if (c < bestCount) [best, bestCount] = [i, c];
    });
    if (best < 0) break;
    chosen.push(best);
    current = intersect([current, literals[best]!.set], all);
  }
  const target = count(current);
  for (let i = chosen.length - 1; i >= 0; i--) {
    const without = chosen.filter((_, j) => j !== i);
    if (
      count(
        intersect(
          without.map((j) => literals[j]!.set),
          all,
        ),
      ) === target
    )
      chosen.splice(i, 1);
  }
  return chosen.sort((a, b) => a - b);
}

function* combinations(n: number, k: number): Generator<number[]> {
  const idx = Array.from({ length: k }, (_, i) => i);
  if (k > n) return;
  for (;;) {
    yield [...idx];
    let i = k - 1;
    while (i >= 0 && idx[i] === n - k + i) i--;
    if (i < 0) return;
    idx[i]!++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
  }
}

function bits<T>(words: number, items: readonly T[], pred: (t: T) => boolean): Uint32Array {
  const b = new Uint32Array(words);
  items.forEach((t, i) => {
    if (pred(t)) b[i >>> 5]! |= 1 << (i & 31);
  });
  return b;
}

/** AND of sets; the empty conjunction selects every executed cell. */
function intersect(sets: readonly Uint32Array[], all: Uint32Array): Uint32Array {
  const out = all.slice();
  for (const s of sets) for (let w = 0; w < out.length; w++) out[w]! &= s[w]!;
  return out;
}

function subset(a: Uint32Array, b: Uint32Array): boolean {
  for (let w = 0; w < a.length; w++) if ((a[w]! & ~b[w]!) !== 0) return false;
  return true;
}

function has(b: Uint32Array, i: number): boolean {
  return (b[i >>> 5]! & (1 << (i & 31))) !== 0;
}

function count(b: Uint32Array): number {
  let n = 0;
  for (let v of b) {
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    n += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}
