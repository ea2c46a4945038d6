import { coverageOf, prepare, resultOf, type Problem } from './problem.js';
import type { Coverage } from './space.js';
import type { Row, SampleOptions, SampleResult } from './types.js';

/** Candidate rows built per row added (AETG's M; the original used 50, gains flatten by 10). */
const CANDIDATES = 10;

/**
 * The greedy baseline (AETG-style): rows are added one at a time until every coverable tuple is
 * in one; each row is the best of a few candidates, each started from a random uncovered tuple
 * and completed axis by axis (in random order) with the level that covers the most new tuples
 * among those that can still give a valid row. `coveringArray` starts from it and must never
 * be larger.
 */
export function greedyCoveringArray(
  axes: readonly number[],
  t: number,
  options: SampleOptions,
): SampleResult {
  const p = prepare(axes, t, options);
  const rows = greedyRows(p, coverageOf(p, []));
  return resultOf(p, rows, rows.length);
}

/** Free rows that, with the required rows already in `coverage`, cover every needed tuple. */
export function greedyRows(p: Problem, coverage: Coverage): Row[] {
  const rows: Row[] = [];
  while (coverage.uncovered.size > 0) {
    let best: Row | undefined;
    let bestGain = -1;
    for (let i = 0; i < CANDIDATES; i++) {
      const seed = coverage.uncovered.at(p.random.int(coverage.uncovered.size));
      const row = candidate(p, coverage, seed);
      const gain = newTuples(p, coverage, row);
      if (gain > bestGain) [best, bestGain] = [row, gain];
    }
    rows.push(best!);
    coverage.add(best!);
  }
  return rows;
}

/** A valid row holding tuple `seed`, completed greedily. */
function candidate(p: Problem, coverage: Coverage, seed: number): Row {
  const row = p.space.partialOf(seed);
  const free = p.random.permutation(p.axes.length).filter((a) => row[a] === undefined);
  for (const a of free) {
    const levels = p.axes[a]!;
    const start = p.random.int(levels);
    let bestLevel = -1;
    let bestGain = -1;
    for (let j = 0; j < levels; j++) {
      const v = (start + j) % levels;
      row[a] = v;
      if (p.constraint.active && !p.constraint.completable(row)) continue;
      let gain = 0;
      for (const c of p.space.combosOf[a]!) {
        const id = p.space.tupleOf(c, row);
        if (id >= 0 && p.needed[id] && coverage.count[id] === 0) gain++;
      }
      if (gain > bestGain) [bestLevel, bestGain] = [v, gain];
    }
    // the seed tuple is coverable, so some level keeps the row completable
    row[a] = bestLevel;
  }
  return row as Row;
}

/** Needed tuples `row` holds that no row holds yet. */
function newTuples(p: Problem, coverage: Coverage, row: Row): number {
  let n = 0;
  for (let c = 0; c < p.space.combos.length; c++) {
    const id = p.space.tupleOf(c, row);
    if (p.needed[id] && coverage.count[id] === 0) n++;
  }
  return n;
}
