/** Test helpers: a seeded PRNG and a loop that drives the pure commit search with an oracle. */
import {
  applyResults,
  nextRound,
  outcome,
  startSearch,
  type SearchOptions,
  type SearchOutcome,
  type SearchState,
} from '../../src/bisect/commit-search.js';
import type { RunObservation } from '../../src/bisect/verdict.js';
import type { Commit, History } from '../../src/history/types.js';
import { mulberry32 } from '../../src/util/prng.js';

/** The seeded PRNG (mulberry32) of src/util, under the name the tests use. */
export const prng = mulberry32;

export const BAD = 'BUG: Bad page state in process swapper';

/** Deterministic oracle: commits at or after `culprit` fail with BAD, `skips` are untestable. */
export function deterministic(
  culprit: number,
  skips: ReadonlySet<number> = new Set(),
  other: ReadonlyMap<number, string> = new Map(),
) {
  return (index: number): RunObservation => {
    if (skips.has(index)) return { verdict: 'skip' };
    const sig = other.get(index);
    if (sig !== undefined) return { verdict: 'fail', signature: sig };
    return index >= culprit ? { verdict: 'fail', signature: BAD } : { verdict: 'pass' };
  };
}

export interface Driven {
  state: SearchState;
  result: SearchOutcome;
}

/** Run the search to its end with `oracle` answering each run. */
export function drive(
  n: number,
  k: number,
  oracle: (index: number) => RunObservation,
  options: Partial<SearchOptions> = {},
  maxRounds = 200,
): Driven {
  let state = startSearch(n, options);
  for (let r = 0; r < maxRounds; r++) {
    const probes = nextRound(state, k);
    if (probes.length === 0) break;
    state = applyResults(
      state,
      probes.map((p) => ({ index: p.index, runs: Array.from({ length: p.runs }, () => oracle(p.index)) })),
    );
  }
  return { state, result: outcome(state) };
}

/** Smallest r with (k+1)^r >= n: ceil(log_{k+1} n) in integers. */
export function ceilLog(n: number, base: number): number {
  let r = 0;
  for (let p = 1; p < n; p *= base) r++;
  return r;
}

/** A simulated history of n commits: sha c000..<i>, `sets` switch changes, `broken` builds. */
export function fakeHistory(
  n: number,
  sets: Record<number, Record<string, unknown>> = {},
  broken: ReadonlySet<number> = new Set(),
): History {
  const commits: Commit[] = Array.from({ length: n }, (_, i) => ({
    sha: `c${i.toString(16).padStart(39, '0')}`,
    subject: `commit ${i}`,
    tags: i === 0 ? ['v1.0'] : [],
    set: sets[i] ?? {},
    buildBroken: broken.has(i),
  }));
  const states = commits.map((c, i) => {
    const switches: Record<string, unknown> = { cmaEarly: false };
    for (let j = 0; j <= i; j++) Object.assign(switches, commits[j]!.set);
    return { sha: c.sha, subject: c.subject, buildBroken: c.buildBroken, switches, symbolNames: {} };
  });
  return {
    kind: 'sim',
    name: 'fake',
    source: '/fake',
    commits,
    index: new Map(commits.map((c, i) => [c.sha, i])),
    stateAt: (i) => states[i]!,
  };
}
