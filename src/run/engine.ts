/**
 * One run of a plan, end to end, over a backend and cache it is given: shard selection,
 * reporters, the pool, the progress line, the baseline and the gate. The session
 * (src/session) builds the backend, cache and settings and calls `executeRun`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from '../errors.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import { summarize, endReason } from '../report/summary.js';
import { planHash } from '../report/plan-hash.js';
import type { PlanSample } from '../matrix/sample.js';
import type { CommitInfo, RunReport } from '../report/schema.js';
import type { Reporter } from '../report/types.js';
import { compareToBaseline, type Baseline, type BaselineComparison } from './baseline.js';
import { cacheKey, sha256, type ResultCache } from './cache.js';
import { gateExitCode } from './gate.js';
import { makeReportDir } from './log-files.js';
import { plannedResult } from './cell-result.js';
import { runPool, type CacheMismatch } from './pool.js';
import { ProgressLine, type ProgressStream } from './progress.js';
import { selectShard, type Shard } from './shard.js';
import type { Backend } from './types.js';

export interface EngineOptions {
  jobs: number;
  timeoutMs: number;
  retries: number;
  /** Absent: --no-cache. */
  cache?: ResultCache;
  reportDir: string;
  strict: boolean;
  baseline?: Baseline;
  shard?: Shard;
  graceMs?: number;
  signal?: AbortSignal;
  killSignal?: AbortSignal;
  /** --verify-cache: re-run `count` cached cells, chosen by `seed`, and compare. */
  verifyCache?: { count: number; seed: number };
}

export interface EngineIo {
  reporter: Reporter;
  /** The progress line goes here; absent: no progress line. */
  progress?: ProgressStream;
  warn: (message: string) => void;
  now?: () => Date;
  /**
   * Called with the finished report before reporters see it; what it returns is merged in
   * (the session adds failure explanations and, with --bisect, regressions and culprits).
   */
  enrich?: (report: RunReport) => Promise<Partial<Pick<RunReport, 'regressions' | 'explanations'>>>;
}

export interface EngineResult {
  report: RunReport;
  exitCode: number;
  comparison?: BaselineComparison;
  /** With --verify-cache: how many cached cells were re-run and which differed (exit 3 if any). */
  verification?: { checked: number; mismatches: CacheMismatch[] };
}

/**
 * The cells this run covers: all of the plan's, or its shard. Durations balance the shards
 * only when the cache knows every runnable cell: a partial cache (shard 1 ran here before
 * shard 2) would make shards disagree on the split.
 */
async function cellsToRun(
  plan: Plan,
  backend: Backend,
  cache: ResultCache | undefined,
  shard: Shard | undefined,
): Promise<readonly Cell[]> {
  if (!shard) return plan.cells;
  let durations = new Map<string, number>();
  if (cache) {
    const fp = backend.fingerprint();
    for (const c of plan.cells) {
      if (c.state !== 'run') continue;
      const hit = await cache.get(cacheKey(c, fp, backend.cellFingerprint?.(c) ?? ''));
      if (!hit) {
        durations = new Map();
        break;
      }
      durations.set(c.id, hit.durationMs);
    }
  }
  return selectShard(plan.cells, shard, (c) => durations.get(c.id));
}

/**
 * The cells --verify-cache re-runs: `count` of the runnable cells the cache holds, those whose
 * keys hash lowest with the seed (the same sample on every machine for one seed).
 */
async function verificationSample(
  cells: readonly Cell[],
  backend: Backend,
  cache: ResultCache,
  verify: { count: number; seed: number },
): Promise<Set<string>> {
  const fp = backend.fingerprint();
  const cached: Array<{ id: string; rank: string }> = [];
  for (const c of cells) {
    if (c.state !== 'run') continue;
    const key = cacheKey(c, fp, backend.cellFingerprint?.(c) ?? '');
    if (await cache.get(key)) cached.push({ id: c.id, rank: sha256(`verify ${verify.seed} ${key}`) });
  }
  cached.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return new Set(cached.slice(0, verify.count).map((c) => c.id));
}

/** The pool over `cells`, with the progress line and the reporters' onCellEnd. */
async function poolWithProgress(
  cells: readonly Cell[],
  backend: Backend,
  opts: EngineOptions,
  io: EngineIo,
  verify: Awaited<ReturnType<typeof verificationSample>> | undefined,
) {
  const progress = io.progress
    ? new ProgressLine(cells.filter((c) => c.state === 'run').length, io.progress)
    : undefined;
  try {
    return await runPool(cells, {
      backend,
      ...(opts.cache ? { cache: opts.cache } : {}),
      // a backend that names its own in-flight count (the simulator) gets it, whatever --jobs is
      jobs: backend.feed?.inFlight ?? opts.jobs,
      timeoutMs: opts.timeoutMs,
      retries: opts.retries,
      reportDir: opts.reportDir,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.killSignal ? { killSignal: opts.killSignal } : {}),
      ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
      onWarning: io.warn,
      ...(verify ? { verify } : {}),
      onCellEnd: async (r) => {
        if (r.status !== 'invalid' && r.status !== 'duplicate') progress?.update(r);
        await io.reporter.onCellEnd?.(r);
      },
    });
  } finally {
    progress?.finish();
  }
}

/** The commits the plan's cells test, in history order, as the history names them. */
function testedCommits(plan: Plan): CommitInfo[] | undefined {
  if (!plan.history) return undefined;
  const used = new Set(plan.cells.map((c) => c.commit));
  return plan.history.commits
    .filter((c) => used.has(c.sha))
    .map((c) => ({
      sha: c.sha,
      subject: c.subject,
      tags: c.tags,
      ...(c.version ? { version: c.version } : {}),
    }));
}

/** Runs `plan`'s cells (or its shard) through `backend`; the caller closes the backend. */
export async function executeRun(
  plan: Plan,
  backend: Backend,
  opts: EngineOptions,
  io: EngineIo,
): Promise<EngineResult> {
  const now = io.now ?? (() => new Date());
  const cells = await cellsToRun(plan, backend, opts.cache, opts.shard);
  const verify =
    opts.verifyCache && opts.cache
      ? await verificationSample(cells, backend, opts.cache, opts.verifyCache)
      : undefined;
  const startedAt = now();
  // the whole plan's hash, before sharding: merge checks that shards make it up again
  const planned = plan.cells.map(plannedResult);
  const shard = { ...(opts.shard ? { shard: opts.shard } : {}), planHash: planHash(planned) };
  // before any reporter touches it
  makeReportDir(opts.reportDir);
  await io.reporter.onRunStart?.({
    matrix: plan.name,
    file: plan.file,
    ...(plan.description ? { description: plan.description } : {}),
    reportDir: opts.reportDir,
    startedAt: startedAt.toISOString(),
    cells: cells === plan.cells ? planned : cells.map(plannedResult),
    axes: plan.axes,
    ...shard,
  });
  backend.feed?.expect?.(cells.filter((c) => c.state === 'run'));
  const run = await poolWithProgress(cells, backend, opts, io, verify);
  const summary = summarize(run.results);
  const report: RunReport = {
    version: 1,
    matrix: plan.name,
    file: plan.file,
    startedAt: startedAt.toISOString(),
    durationMs: now().getTime() - startedAt.getTime(),
    interrupted: run.interrupted,
    summary,
    cells: run.results,
    axes: plan.axes,
    ...shard,
    ...(plan.sample ? { sample: runSample(plan.sample) } : {}),
  };
  const commits = testedCommits(plan);
  if (commits?.length) report.commits = commits;
  if (io.enrich) Object.assign(report, await io.enrich(report));
  const comparison = opts.baseline ? compareToBaseline(run.results, opts.baseline, opts.strict) : undefined;
  await io.reporter.onRunEnd?.(report, endReason(summary, run.interrupted));
  const exitCode = gateExitCode({
    summary,
    interrupted: run.interrupted,
    strict: opts.strict,
    ...(comparison ? { newFailures: comparison.newFailures.length } : {}),
  });
  const verification = verify ? { checked: run.verified, mismatches: run.mismatches } : undefined;
  return {
    report,
    // a cache that lies is an infrastructure failure, whatever the cells did
    exitCode: verification?.mismatches.length ? 3 : exitCode,
    ...(comparison ? { comparison } : {}),
    ...(verification ? { verification } : {}),
  };
}

/** The report must exist after the run: a missing report.json is an infrastructure failure. */
export function assertReportWritten(reportDir: string): void {
  if (!existsSync(join(reportDir, 'report.json')))
    throw new InfraError(`could not write ${join(reportDir, 'report.json')}`);
}

/** What report.json says of a sampled plan. */
function runSample(s: PlanSample): NonNullable<RunReport['sample']> {
  const { strength, seed, cells, fullCells, coverable, covered, uncoverable } = s;
  return { strength, seed, cells, fullCells, coverable, covered, uncoverable };
}
