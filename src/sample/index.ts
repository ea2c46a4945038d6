/**
 * Covering arrays over a matrix's axes: a sample of cells in which every t-tuple of axis levels
 * that some valid cell holds appears at least once. Pure: plain data in, rows out.
 */
import { prune, shrink } from './anneal.js';
import { greedyRows } from './greedy.js';
import { coverageOf, prepare, resultOf } from './problem.js';
import { algebraicSeed } from './seeds.js';
import type { PartialRow, Row, SampleOptions, SampleResult } from './types.js';

export { greedyCoveringArray } from './greedy.js';
export type { PartialRow, Row, SampleOptions, SampleResult, Validity } from './types.js';

/** Default budget of the size reduction, in units of work (see `SampleOptions.maxWork`). */
export const DEFAULT_MAX_WORK = 30_000_000;

/**
 * A covering array of strength `t` over `axes` (levels per axis): the greedy baseline, or an
 * algebraic array when one fits and is smaller, shrunk by simulated annealing on the row count.
 * Never larger than `greedyCoveringArray` with the same options; the same seed gives the same
 * rows.
 */
export function coveringArray(axes: readonly number[], t: number, options: SampleOptions): SampleResult {
  const p = prepare(axes, t, options);
  const greedy = greedyRows(p, coverageOf(p, []));
  let start = greedy;
  if (!p.constraint.active) {
    const required = new Set(p.required.map((r) => r.join(',')));
    const seed = algebraicSeed(p.axes, p.t)?.filter((r) => !required.has(r.join(',')));
    if (seed && seed.length < start.length) start = prune(p, seed);
  }
  const rows = shrink(p, start, options.maxWork ?? DEFAULT_MAX_WORK);
  return resultOf(p, prune(p, rows), greedy.length);
}

/**
 * The needed t-tuples (those some valid row holds) that none of `rows` holds, each as a partial
 * row: empty for a covering array. For checking a sample that was edited, e.g. after cells were
 * excluded.
 */
export function missingTuples(
  axes: readonly number[],
  t: number,
  rows: readonly (readonly number[])[],
  options: Pick<SampleOptions, 'valid'> = {},
): PartialRow[] {
  const p = prepare(axes, t, { seed: 0, ...options });
  const coverage = coverageOf(p, rows as Row[]);
  const missing: PartialRow[] = [];
  for (let id = 0; id < p.space.size; id++)
    if (p.needed[id] && coverage.count[id] === 0) missing.push(p.space.partialOf(id));
  return missing;
}
