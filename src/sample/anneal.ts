import { coverageOf, type Problem } from './problem.js';
import type { Coverage } from './space.js';
import type { Row } from './types.js';

/** Rows tried per move: the best of a few random rows (Nurmela's tabu search tries them all). */
const ROWS_PER_MOVE = 12;
// measured on CA(2,3^13) and CA(3,2^10): a floor near 0 freezes the search in a local minimum,
// one near 0.5 wanders off on the large arrays
const START_TEMPERATURE = 0.5;
const COOLING = 0.9995;
const FLOOR_TEMPERATURE = 0.2;

/**
 * Shrink a covering array (CASA's outer loop): with the required rows fixed, drop the free row
 * that covers the fewest tuples alone and anneal the rest until every needed tuple is covered
 * again, then try one row fewer; stop at the lower bound, at a failure or when `maxWork` (units:
 * tuples looked up) is spent. Returns the smallest covering set of free rows found.
 */
export function shrink(p: Problem, rows: readonly Row[], maxWork: number): Row[] {
  let best = rows.map((r) => [...r]);
  let spent = 0;
  while (best.length > 0 && p.required.length + best.length > p.lowerBound && spent < maxWork) {
    const state = best.map((r) => [...r]);
    const coverage = coverageOf(p, state);
    const drop = leastUseful(p, coverage, state);
    coverage.remove(state[drop]!);
    state.splice(drop, 1);
    // a failed attempt ends the search: give each one a good share of what is left
    const budget = Math.max((maxWork - spent) / 2, Math.min(maxWork - spent, 2_000_000));
    const used = anneal(p, coverage, state, budget);
    spent += used;
    if (coverage.uncovered.size > 0) break;
    best = state;
  }
  return best;
}

/** The free row holding the fewest tuples no other row holds. */
function leastUseful(p: Problem, coverage: Coverage, rows: readonly Row[]): number {
  let at = 0;
  let fewest = Infinity;
  rows.forEach((row, i) => {
    let alone = 0;
    for (let c = 0; c < p.space.combos.length; c++) {
      const id = p.space.tupleOf(c, row);
      if (p.needed[id] && coverage.count[id] === 1) alone++;
    }
    if (alone < fewest) [at, fewest] = [i, alone];
  });
  return at;
}

/**
 * Simulated annealing on a fixed number of rows: pick an uncovered tuple, and among a few random
 * rows the one where writing the tuple in uncovers the fewest others (a move that leaves the row
 * invalid is not taken); accept it if it does not lose or with probability exp(-loss / T).
 * Returns the work spent; `coverage` and `rows` are left in the last state.
 */
function anneal(p: Problem, coverage: Coverage, rows: Row[], budget: number): number {
  const { space, random } = p;
  const stamp = new Int32Array(space.combos.length);
  const oldIds: number[] = [];
  const newIds: number[] = [];
  let mark = 0;
  let work = 0;
  let temperature = START_TEMPERATURE;
  /** Change in uncovered tuples if row `r` takes `tuple` (a partial row), or undefined if invalid. */
  const delta = (r: number, tuple: readonly (number | undefined)[], cols: Int32Array): number | undefined => {
    const row = rows[r]!;
    const saved = cols.map((a) => row[a]!);
    mark++;
    oldIds.length = newIds.length = 0;
    for (const a of cols) {
      if (row[a] === tuple[a]) continue;
      for (const c of space.combosOf[a]!) {
        if (stamp[c] === mark) continue;
        stamp[c] = mark;
        oldIds.push(space.tupleOf(c, row));
      }
    }
    for (const a of cols) row[a] = tuple[a]!;
    const ok = !p.constraint.active || p.constraint.allows(row);
    let d = 0;
    mark++;
    for (const a of cols)
      for (const c of space.combosOf[a]!) {
        if (stamp[c] !== mark - 1) continue;
        stamp[c] = mark;
        newIds.push(space.tupleOf(c, row));
      }
    cols.forEach((a, i) => (row[a] = saved[i]!));
    work += 2 * oldIds.length + 1;
    if (!ok) return undefined;
    for (const id of oldIds) if (p.needed[id] && coverage.count[id] === 1) d++;
    for (const id of newIds) if (p.needed[id] && coverage.count[id] === 0) d--;
    return d;
  };
  while (coverage.uncovered.size > 0 && work < budget && rows.length > 0) {
    const target = coverage.uncovered.at(random.int(coverage.uncovered.size));
    const tuple = space.partialOf(target);
    const cols = space.combos[space.comboOfTuple[target]!]!;
    let bestRow = -1;
    let bestDelta = Infinity;
    const tries = Math.min(rows.length, ROWS_PER_MOVE);
    // a random first row breaks ties at random: taking the first best row cycles
    const offset = random.int(rows.length);
    for (let i = 0; i < tries; i++) {
      const r = tries === rows.length ? (i + offset) % rows.length : random.int(rows.length);
      const d = delta(r, tuple, cols);
      if (d !== undefined && d < bestDelta) [bestRow, bestDelta] = [r, d];
    }
    temperature = Math.max(FLOOR_TEMPERATURE, temperature * COOLING);
    if (bestRow < 0) {
      work += repair(p, coverage, rows, tuple);
      continue;
    }
    if (bestDelta > 0 && random.next() >= Math.exp(-bestDelta / temperature)) continue;
    const row = rows[bestRow]!;
    coverage.remove(row);
    for (const a of cols) row[a] = tuple[a]!;
    coverage.add(row);
  }
  return work;
}

/**
 * When no row tried can take the tuple and stay valid: rebuild a random row around the tuple,
 * keeping each of its levels that still allows a valid row.
 */
function repair(p: Problem, coverage: Coverage, rows: Row[], tuple: readonly (number | undefined)[]): number {
  const r = p.random.int(rows.length);
  const old = rows[r]!;
  const partial = [...tuple];
  for (const a of p.random.permutation(p.axes.length)) {
    if (partial[a] !== undefined) continue;
    partial[a] = old[a];
    if (!p.constraint.completable(partial)) partial[a] = undefined;
  }
  const row = p.constraint.complete(partial);
  if (!row) return p.axes.length;
  coverage.remove(old);
  rows[r] = row;
  coverage.add(row);
  return p.axes.length * p.space.combos.length;
}

/** Without the free rows that hold no needed tuple alone (duplicates among them), first found last. */
export function prune(p: Problem, rows: readonly Row[]): Row[] {
  const coverage = coverageOf(p, rows);
  const kept: Row[] = [];
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    let alone = false;
    for (let c = 0; c < p.space.combos.length && !alone; c++) {
      const id = p.space.tupleOf(c, row);
      alone = p.needed[id] === 1 && coverage.count[id] === 1;
    }
    if (alone) kept.push(row);
    else coverage.remove(row);
  }
  return kept.reverse();
}
