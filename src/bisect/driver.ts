/**
 * The bisection driver: runs the pure commit search round by round through a caller-given
 * `run(cells)` (the pool, its backend and the cache), and turns the final state into the
 * bisect.json record. No file system or processes here: the CLI (and `run
 * --bisect`) supply `run`, `verify` and `onRound`.
 */
import { UserError } from '../errors.js';
import type { History } from '../history/types.js';
import type { Cell } from '../matrix/types.js';
import type { CellResult } from '../report/schema.js';
import {
  applyResults,
  nextRound,
  outcome,
  replayLog,
  startSearch,
  type Probe,
  type SearchLogEntry,
  type SearchOptions,
  type SearchOutcome,
  type SearchState,
} from './commit-search.js';
import type { RunObservation, Tally, TestStatus } from './verdict.js';

/** One log line of bisect.json. */
export interface BisectLogEntry {
  round: number;
  commit: string;
  status: TestStatus;
  signature?: string;
  /** Run counts of this test (pass, fail with the signature, other failures, untestable). */
  runs?: Tally;
}

/** bisect.json (the README's format), plus a few descriptive fields. */
export interface BisectReport {
  cell: string;
  good: string;
  bad: string;
  culprit: { sha: string; subject: string } | null;
  candidates: string[];
  rounds: number;
  tests: number;
  confidence: number;
  /** Revert check of the culprit: true/false, or null when it could not be made (git history, no culprit). */
  verified: boolean | null;
  log: BisectLogEntry[];
  signature?: string;
  /** Why the bisection did not start (the ends check failed). */
  refused?: string;
  /** An unfinished (interrupted) bisection: the range still to search; resume with --replay. */
  remaining?: { good: string; bad: string; commits: number };
  jobs: number;
  repeat: number;
  runs: number;
  /** Runs answered by the result cache. */
  cached: number;
  failureProbability: number;
  history?: string;
}

/** A commit probe as the pool sees it: the bisected cell at one commit, one repetition. */
export interface ProbeCell {
  cell: Cell;
  index: number;
  rep: number;
}

export interface BisectCellOptions {
  cell: Cell;
  history: History;
  /** Indices in history.commits of the good and the bad end (good < bad). */
  good: number;
  bad: number;
  /** Probes per round (--jobs). */
  jobs: number;
  repeat?: number;
  search?: Partial<Omit<SearchOptions, 'repeat'>>;
  /** Run the probe cells (ids are unique per probe and repetition) and return their results. */
  run(
    probes: ProbeCell[],
    round: number,
  ): Promise<Array<Pick<CellResult, 'id' | 'status' | 'signature'> & { cached?: boolean }>>;
  /** Revert check of the culprit (index in history.commits); null when not possible. */
  verify?(culprit: number, state: SearchState): Promise<boolean | null>;
  /** A previous log to resume from (git bisect replay). */
  replay?: readonly BisectLogEntry[];
  onRound?(round: number, probes: Probe[], state: SearchState): void;
  signal?: AbortSignal;
}

/** The probe cell of commit `index` of `history`, repetition `rep`. */
export function probeCell(cell: Cell, history: History, index: number, rep: number): Cell {
  const c = history.commits[index]!;
  return {
    ...cell,
    id: `${cell.id}@${c.sha}${rep ? `#${rep}` : ''}`,
    commit: c.sha,
    commitLabel: c.tags[0] ?? c.sha.slice(0, 12),
    state: 'run',
  };
}

export function observationOf(r: Pick<CellResult, 'status' | 'signature'>): RunObservation {
  switch (r.status) {
    case 'pass':
      return { verdict: 'pass' };
    case 'fail':
    case 'flaky':
      return r.signature !== undefined ? { verdict: 'fail', signature: r.signature } : { verdict: 'fail' };
    case 'timeout':
      return { verdict: 'timeout' };
    case 'error':
      return { verdict: 'error' };
    default:
      return { verdict: 'skip' };
  }
}

/** Bisect one cell between two commits of a history. */
export async function bisectCell(o: BisectCellOptions): Promise<BisectReport> {
  if (o.good >= o.bad)
    throw new RangeError(`the good commit (#${o.good}) must be older than the bad one (#${o.bad})`);
  const n = o.bad - o.good + 1;
  const toIndex = (sha: string) => {
    let i = o.history.index.get(sha);
    // hand-written logs may abbreviate: a unique prefix of 7+ hex digits within the range
    if (i === undefined && /^[0-9a-f]{7,}$/.test(sha)) {
      const hits = o.history.commits
        .slice(o.good, o.bad + 1)
        .flatMap((c, j) => (c.sha.startsWith(sha) ? [o.good + j] : []));
      if (hits.length === 1) i = hits[0];
    }
    return i === undefined || i < o.good || i > o.bad ? undefined : i - o.good;
  };
  const options = { ...o.search, repeat: o.repeat ?? 1 };
  let state = o.replay?.length
    ? replayLog(n, fromBisectLog(o.replay, toIndex), options)
    : startSearch(n, options);
  const jobs = Math.max(1, o.jobs);
  let cached = 0;
  for (
    let probes = nextRound(state, jobs);
    probes.length > 0 && !o.signal?.aborted;
    probes = nextRound(state, jobs)
  ) {
    o.onRound?.(state.round, probes, state);
    const cells: ProbeCell[] = probes.flatMap((p) =>
      Array.from({ length: p.runs }, (_, r) => {
        // repetitions continue where earlier tests of the commit stopped, so verification runs are new runs
        const rep = r + runsSoFar(state, p.index);
        return { cell: probeCell(o.cell, o.history, o.good + p.index, rep), index: p.index, rep };
      }),
    );
    const results = await o.run(cells, state.round);
    cached += results.filter((r) => r.cached === true).length;
    const byId = new Map(results.map((r) => [r.id, r]));
    const tested = probes.map((p) => ({
      index: p.index,
      expected: p.runs,
      runs: cells
        .filter((c) => c.index === p.index)
        .flatMap((c) => {
          const r = byId.get(c.cell.id);
          return r ? [observationOf(r)] : [];
        }),
    }));
    // after an interruption only the commits whose runs all finished count; the rest are retested on resume
    const complete = o.signal?.aborted ? tested.filter((t) => t.runs.length === t.expected) : tested;
    if (complete.length)
      state = applyResults(
        state,
        complete.map(({ index, runs }) => ({ index, runs })),
      );
    if (o.signal?.aborted) break;
  }
  const result = outcome(state);
  const verified =
    result.culprit !== null && o.verify ? await o.verify(o.good + result.culprit, state) : null;
  return toReport(o, state, result, verified, jobs, cached);
}

function runsSoFar(state: SearchState, index: number): number {
  const t = state.tallies[index];
  return t ? t.pass + t.fail + t.other + t.skip : 0;
}

function fromBisectLog(
  log: readonly BisectLogEntry[],
  toIndex: (sha: string) => number | undefined,
): SearchLogEntry[] {
  return log.map((e, i) => {
    const index = toIndex(e.commit);
    if (index === undefined)
      throw new UserError(
        `replayed log entry ${i}: commit ${e.commit} is not between the good and the bad commit`,
      );
    return {
      round: e.round,
      index,
      status: e.status,
      ...(e.signature !== undefined ? { signature: e.signature } : {}),
      ...(e.runs ? { tally: e.runs } : {}),
    };
  });
}

function toReport(
  o: BisectCellOptions,
  state: SearchState,
  r: SearchOutcome,
  verified: boolean | null,
  jobs: number,
  cached: number,
): BisectReport {
  const commit = (i: number) => o.history.commits[o.good + i]!;
  return {
    cell: o.cell.id,
    good: commit(0).sha,
    bad: commit(state.n - 1).sha,
    culprit: r.culprit !== null ? { sha: commit(r.culprit).sha, subject: commit(r.culprit).subject } : null,
    candidates: r.candidates.map((i) => commit(i).sha),
    rounds: r.rounds,
    tests: r.tests,
    confidence: Number(r.confidence.toFixed(6)),
    verified,
    log: state.log.map((e) => ({
      round: e.round,
      commit: commit(e.index).sha,
      status: e.status,
      ...(e.signature !== undefined ? { signature: e.signature } : {}),
      ...(e.tally ? { runs: e.tally } : {}),
    })),
    ...(state.badSignature !== undefined ? { signature: state.badSignature } : {}),
    ...(r.refusal !== undefined ? { refused: r.refusal } : {}),
    ...((r.phase === 'search' || r.phase === 'ends') && r.lo !== undefined && r.hi !== undefined
      ? { remaining: { good: commit(r.lo).sha, bad: commit(r.hi).sha, commits: r.hi - r.lo } }
      : {}),
    jobs,
    repeat: state.options.repeat,
    runs: r.runs,
    cached,
    failureProbability: Number(r.failureProbability.toFixed(6)),
    history: o.history.name,
  };
}

/** The human summary of a bisection. */
export function formatBisectSummary(report: BisectReport, history: History): string {
  const label = (sha: string) => {
    const c = history.commits[history.index.get(sha) ?? -1];
    return `${sha.slice(0, 12)}${c?.tags.length ? ` (${c.tags[0]})` : ''}${c ? ` ${c.subject}` : ''}`;
  };
  const lines: string[] = [];
  if (report.refused) {
    lines.push(`kmatrix bisect: cannot bisect ${report.cell}: ${report.refused}`);
    return lines.join('\n');
  }
  if (report.culprit) lines.push(`first bad commit: ${label(report.culprit.sha)}`);
  else if (report.candidates.length) {
    lines.push('there are only untestable commits left; the first bad commit is one of:');
    for (const c of report.candidates) lines.push(`  ${label(c)}`);
  } else {
    const r = report.remaining;
    const left = r
      ? `: the first bad commit is after ${label(r.good)} and at or before ${label(r.bad)}` +
        ` (${r.commits} commits)`
      : '';
    lines.push(`bisection did not finish${left}; resume it with kmatrix bisect --replay <its bisect.json>`);
  }
  if (report.signature) lines.push(`signature: ${report.signature}`);
  const skipped = report.log.filter((e) => e.status === 'skip').length;
  const mismatched = report.log.filter((e) => e.status === 'mismatch');
  const rounds = `${report.rounds} round${report.rounds === 1 ? '' : 's'}`;
  const cached = report.cached ? `, ${report.cached} from the cache` : '';
  const repeat = report.repeat > 1 ? ` --repeat ${report.repeat}` : '';
  const confidencePct = (report.confidence * 100).toFixed(report.confidence === 1 ? 0 : 2);
  const confidence = report.culprit || report.candidates.length ? `; confidence ${confidencePct}%` : '';
  const failPct = (report.failureProbability * 100).toFixed(0);
  const flaky = report.failureProbability < 1 ? ` (a bad commit fails ${failPct}% of runs)` : '';
  lines.push(
    `${rounds}, ${report.tests} tests (${report.runs} runs${cached}) at --jobs ${report.jobs}` +
      `${repeat}${confidence}${flaky}`,
  );
  if (skipped) lines.push(`${skipped} untestable commit${skipped === 1 ? '' : 's'} routed around`);
  for (const m of mismatched)
    lines.push(
      `${m.commit.slice(0, 12)} failed with a different signature, treated as untestable: ${m.signature}`,
    );
  if (report.verified !== null)
    lines.push(
      report.verified
        ? 'verified: reverting the culprit makes the bad commit pass'
        : 'NOT verified: the bad commit still fails with the culprit reverted',
    );
  return lines.join('\n');
}
