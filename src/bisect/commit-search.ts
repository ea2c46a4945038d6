/**
 * k-ary, skip- and flake-aware commit bisection as a pure state machine.
 *
 * Commits are indices 0..n-1, oldest first: 0 is the claimed good end, n-1 the claimed bad
 * end. Round 0 checks both ends (as KernelCI does; with k > 2 its spare slots already test
 * k - 2 evenly spaced interior commits, which count only when the ends check passes, so no
 * round is spent on the ends alone); each later round tests up to k commits at
 * once, evenly spaced over the remaining range, so a skip-free range of N commits takes about
 * ceil(log_{k+1} N) rounds (k = 1 is binary search). The driver asks `nextRound(state, k)` for
 * probes, runs them (in parallel), and feeds the runs back with `applyResults`.
 *
 * - Untestable commits (skip, exit 125, build broken, a different failure signature) are routed
 *   around by probing their nearest untested neighbours; when nothing testable is left between
 *   the last good and the first bad commit, the answer is the candidate list (lo, hi].
 * - Flakes: a signature failure is proof of badness, a pass is only evidence of goodness. When
 *   the runs show the test is flaky (q < 1, see confidence.ts) and the answer's confidence is
 *   below `minConfidence`, the last good commit is re-tested with k * repeat more runs
 *   (a verification round), since the answer can only be wrong if that commit is in fact bad.
 * - The log (every test with its round, verdict, signature and run counts) rebuilds the state:
 *   `replayLog` gives back the state that produced it, so a bisection can be resumed.
 */
import { answerConfidence, estimateFailureProbability } from './confidence.js';
import {
  addTallies,
  classify,
  dominantSignature,
  EMPTY_TALLY,
  tallyOfStatus,
  tallyRuns,
  type RunObservation,
  type Tally,
  type TestStatus,
} from './verdict.js';

export interface SearchOptions {
  /** Runs per tested commit (--repeat). */
  repeat: number;
  /** Keep verifying the last good commit while the answer's confidence is below this. */
  minConfidence: number;
  /** At most this many verification rounds. */
  maxVerifyRounds: number;
  /** The signature that makes a commit bad; by default the bad end's dominant one. */
  badSignature?: string;
}

export const DEFAULT_SEARCH_OPTIONS: SearchOptions = { repeat: 1, minConfidence: 0.99, maxVerifyRounds: 8 };

/** One test of one commit. `status` is the commit's verdict over all its runs so far. */
export interface SearchLogEntry {
  round: number;
  index: number;
  status: TestStatus;
  /** The bad signature on bad commits, the other signature on mismatching ones. */
  signature?: string;
  /** This test's runs (absent in hand-written logs: the status stands for one run). */
  tally?: Tally;
}

export interface SearchState {
  readonly n: number;
  readonly options: SearchOptions;
  readonly badSignature?: string;
  /** Run counts per tested index, accumulated over rounds. */
  readonly tallies: Readonly<Record<number, Tally>>;
  readonly statuses: Readonly<Record<number, TestStatus>>;
  /** Rounds applied so far, the ends check (round 0) included. */
  readonly round: number;
  readonly verifyRounds: number;
  readonly log: readonly SearchLogEntry[];
}

export type SearchPhase = 'ends' | 'refused' | 'search' | 'verify' | 'done';

/** A commit to test in the next round, and how many runs to give it. */
export interface Probe {
  index: number;
  runs: number;
  purpose: 'ends' | 'search' | 'verify';
}

export interface TestResult {
  index: number;
  runs: readonly RunObservation[];
}

export function startSearch(n: number, options: Partial<SearchOptions> = {}): SearchState {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`a bisection needs at least 2 commits, got ${n}`);
  const opts = { ...DEFAULT_SEARCH_OPTIONS, ...options };
  if (!(opts.repeat >= 1)) throw new RangeError(`repeat must be at least 1, got ${opts.repeat}`);
  const base = { n, options: opts, tallies: {}, statuses: {}, round: 0, verifyRounds: 0, log: [] };
  return opts.badSignature === undefined ? base : { ...base, badSignature: opts.badSignature };
}

/** The current range: lo = last good before hi, hi = first bad (undefined before the ends are known). */
export function bounds(state: SearchState): { lo: number; hi: number } | undefined {
  let hi = Infinity;
  for (const [k, s] of Object.entries(state.statuses)) if (s === 'bad' && Number(k) < hi) hi = Number(k);
  if (hi === Infinity) return undefined;
  let lo = -1;
  for (const [k, s] of Object.entries(state.statuses))
    if (s === 'good' && Number(k) < hi && Number(k) > lo) lo = Number(k);
  return lo < 0 ? undefined : { lo, hi };
}

/** Why the ends cannot be bisected, or undefined when they can (or are not tested yet). */
export function refusal(state: SearchState): string | undefined {
  const good = state.statuses[0];
  const bad = state.statuses[state.n - 1];
  if (good === undefined || bad === undefined) return undefined;
  const sig = state.log.findLast((e) => e.index === 0)?.signature;
  if (good === 'bad')
    return `the good end fails too${state.badSignature ? ` (${state.badSignature})` : ''}: it is not good`;
  if (good === 'mismatch') return `the good end fails with a different signature (${sig}): it is not good`;
  if (good === 'skip') return 'the good end is untestable (skipped, broken build or errors)';
  if (bad === 'good') return 'the bad end passes: there is no regression to bisect';
  if (bad === 'mismatch') {
    const badEndSig = state.log.findLast((e) => e.index === state.n - 1)?.signature;
    return `the bad end fails with ${badEndSig}, not ${state.badSignature}`;
  }
  if (bad === 'skip') return 'the bad end is untestable (skipped, broken build or errors)';
  if (bounds(state) === undefined) return 'no good commit precedes the first bad one';
  return undefined;
}

export function phase(state: SearchState): SearchPhase {
  if (state.statuses[0] === undefined || state.statuses[state.n - 1] === undefined) return 'ends';
  if (refusal(state) !== undefined) return 'refused';
  const { lo, hi } = bounds(state)!;
  if (untestedBetween(state, lo, hi) > 0) return 'search';
  return needsVerification(state, lo, hi) ? 'verify' : 'done';
}

/** The probes of the next round; empty when the search is over (done or refused). */
export function nextRound(state: SearchState, k: number): Probe[] {
  const width = Math.max(1, Math.floor(k));
  const repeat = state.options.repeat;
  switch (phase(state)) {
    case 'ends': {
      const ends = [0, state.n - 1]
        .filter((i) => state.statuses[i] === undefined)
        .map((index): Probe => ({ index, runs: repeat, purpose: 'ends' }));
      // spare slots of the ends round already test interior
      // commits; they count only once the ends check passes
      const spare = ends.length === 2 && Object.keys(state.statuses).length === 0 ? width - 2 : 0;
      const extra =
        spare > 0
          ? pickProbes(state, 0, state.n - 1, spare).map((index): Probe => ({
              index,
              runs: repeat,
              purpose: 'search',
            }))
          : [];
      return [ends[0]!, ...extra, ...ends.slice(1)].filter((p) => p !== undefined);
    }
    case 'search': {
      const { lo, hi } = bounds(state)!;
      return pickProbes(state, lo, hi, width).map((index) => ({ index, runs: repeat, purpose: 'search' }));
    }
    case 'verify':
      return [{ index: bounds(state)!.lo, runs: repeat * width, purpose: 'verify' }];
    default:
      return [];
  }
}

/** Fold one round of results into the state. */
export function applyResults(state: SearchState, results: readonly TestResult[]): SearchState {
  let badSignature = state.badSignature;
  const badEnd = results.find((r) => r.index === state.n - 1);
  if (badSignature === undefined && badEnd) badSignature = dominantSignature(badEnd.runs);
  const entries = results.map((r): SearchLogEntry => {
    const { tally, otherSignature } = tallyRuns(r.runs, badSignature);
    const status = classify(addTallies(state.tallies[r.index] ?? EMPTY_TALLY, tally));
    const signature =
      status === 'bad'
        ? badSignature
        : status === 'mismatch'
          ? (otherSignature ?? lastSignature(state, r.index))
          : undefined;
    return {
      round: state.round,
      index: r.index,
      status,
      ...(signature !== undefined ? { signature } : {}),
      tally,
    };
  });
  return applyEntries(state, entries);
}

/** Rebuild a state from a log (as `git bisect replay` does); entries of one round go together. */
export function replayLog(
  n: number,
  log: readonly SearchLogEntry[],
  options: Partial<SearchOptions> = {},
): SearchState {
  let state = startSearch(n, options);
  const rounds = [...new Set(log.map((e) => e.round))].sort((a, b) => a - b);
  for (const round of rounds)
    state = applyEntries(
      state,
      log.filter((e) => e.round === round),
    );
  return state;
}

function applyEntries(state: SearchState, entries: readonly SearchLogEntry[]): SearchState {
  if (entries.length === 0) return state;
  const tallies = { ...state.tallies };
  const statuses = { ...state.statuses };
  let badSignature = state.badSignature;
  let verify = false;
  for (const e of entries) {
    if (e.index < 0 || e.index >= state.n)
      throw new RangeError(`commit index ${e.index} outside 0..${state.n - 1}`);
    if (state.tallies[e.index] !== undefined) verify = true;
    tallies[e.index] = addTallies(tallies[e.index] ?? EMPTY_TALLY, e.tally ?? tallyOfStatus(e.status));
    statuses[e.index] = classify(tallies[e.index]!);
    if (
      badSignature === undefined &&
      e.index === state.n - 1 &&
      e.status === 'bad' &&
      e.signature !== undefined
    )
      badSignature = e.signature;
  }
  const round = Math.max(state.round, ...entries.map((e) => e.round + 1));
  const next = {
    ...state,
    tallies,
    statuses,
    round,
    verifyRounds: state.verifyRounds + (verify ? 1 : 0),
    log: [...state.log, ...entries],
  };
  return badSignature === undefined ? next : { ...next, badSignature };
}

function lastSignature(state: SearchState, index: number): string | undefined {
  return state.log.findLast((e) => e.index === index && e.signature !== undefined)?.signature;
}

/** Number of interior commits of (lo, hi) not tested yet. */
function untestedBetween(state: SearchState, lo: number, hi: number): number {
  let tested = 0;
  for (const k of Object.keys(state.statuses)) if (Number(k) > lo && Number(k) < hi) tested++;
  return hi - lo - 1 - tested;
}

/**
 * k commits evenly spaced over (lo, hi): targets lo + floor(j*(hi-lo)/(k+1)), each moved to
 * its nearest untested neighbour when it was untestable. Every resulting segment then has at
 * most ceil((hi-lo)/(k+1)) commits, which gives the ceil(log_{k+1} N) round bound.
 */
function pickProbes(state: SearchState, lo: number, hi: number, k: number): number[] {
  const tested = (i: number) => state.statuses[i] !== undefined;
  if (untestedBetween(state, lo, hi) <= k) {
    const all: number[] = [];
    for (let i = lo + 1; i < hi; i++) if (!tested(i)) all.push(i);
    return all;
  }
  const chosen = new Set<number>();
  const span = hi - lo;
  for (let j = 1; j <= k; j++) {
    const target = lo + Math.floor((j * span) / (k + 1));
    for (let d = 0; d < span; d++) {
      const up = target + d;
      const down = target - d;
      if (up < hi && up > lo && !tested(up) && !chosen.has(up)) {
        chosen.add(up);
        break;
      }
      if (down > lo && down < hi && !tested(down) && !chosen.has(down)) {
        chosen.add(down);
        break;
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

function needsVerification(state: SearchState, lo: number, hi: number): boolean {
  if (lo === 0 || state.verifyRounds >= state.options.maxVerifyRounds) return false;
  const q = estimateFailureProbability(state.tallies, state.statuses);
  if (q >= 1) return false;
  return answerConfidence(state.n, state.tallies, lo, hi, q) < state.options.minConfidence;
}

/** What the search has found so far. */
export interface SearchOutcome {
  phase: SearchPhase;
  refusal?: string;
  /** The first bad commit when it is known exactly, else null. */
  culprit: number | null;
  /** Indices that may be the first bad commit: [culprit], or (lo, hi] when skips border it. */
  candidates: number[];
  lo?: number;
  hi?: number;
  confidence: number;
  /** Estimated per-run failure probability of a bad commit. */
  failureProbability: number;
  /** Rounds that tested interior commits (an ends check with no interior probe is not counted). */
  rounds: number;
  /** Commit tests (log entries), the ends included. */
  tests: number;
  runs: number;
}

export function outcome(state: SearchState): SearchOutcome {
  const p = phase(state);
  const q = estimateFailureProbability(state.tallies, state.statuses);
  const runs = Object.values(state.tallies).reduce((sum, t) => sum + t.pass + t.fail + t.other + t.skip, 0);
  // rounds that tested interior commits: the search rounds, round 0 included when its spare slots probed
  const rounds = new Set(
    state.log.filter((e) => e.index !== 0 && e.index !== state.n - 1).map((e) => e.round),
  ).size;
  const common = { phase: p, failureProbability: q, rounds, tests: state.log.length, runs };
  const why = refusal(state);
  const b = bounds(state);
  if (why !== undefined || b === undefined) {
    return {
      ...common,
      ...(why !== undefined ? { refusal: why } : {}),
      culprit: null,
      candidates: [],
      confidence: 0,
    };
  }
  const { lo, hi } = b;
  const candidates: number[] = [];
  if (p === 'done' || p === 'verify') for (let i = lo + 1; i <= hi; i++) candidates.push(i);
  const culprit = candidates.length === 1 ? hi : null;
  return {
    ...common,
    culprit,
    candidates,
    lo,
    hi,
    confidence: answerConfidence(state.n, state.tallies, lo, hi, q),
  };
}
