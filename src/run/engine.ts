/**
 * One run of a plan, end to end: backend, cache, shard selection, reporters, the pool, the
 * progress line, the baseline and the gate. The CLI parses flags and calls `runPlan`; bisection
 * can reuse `createBackend` and the cache.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InfraError } from '../errors.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import { summarize, endReason } from '../report/summary.js';
import type { RunReport } from '../report/schema.js';
import type { Reporter, RunPlan } from '../report/types.js';
import { CommandBackend } from './backends/command.js';
import { SimBackend } from './backends/sim.js';
import { compareToBaseline, type Baseline, type BaselineComparison } from './baseline.js';
import { cacheKey, ResultCache } from './cache.js';
import { gateExitCode } from './gate.js';
import { makeReportDir } from './log-files.js';
import { plannedResult } from './cell-result.js';
import { runPool } from './pool.js';
import { ProgressLine, type ProgressStream } from './progress.js';
import { selectShard, type Shard } from './shard.js';
import type { Backend } from './types.js';

export interface EngineOptions {
  jobs?: number;
  timeoutMs?: number;
  retries?: number;
  seed?: number;
  /** Absent: --no-cache. */
  cacheDir?: string;
  reportDir: string;
  strict: boolean;
  baseline?: Baseline;
  shard?: Shard;
  /** Output cap of the command backend, bytes. */
  logCap?: number;
  graceMs?: number;
  signal?: AbortSignal;
  killSignal?: AbortSignal;
}

export interface EngineIo {
  reporter: Reporter;
  /** The progress line goes here; absent: no progress line. */
  progress?: ProgressStream;
  warn: (message: string) => void;
  now?: () => Date;
  /**
   * Called with the finished report before reporters see it; what it returns is merged in
   * (the CLI adds failure explanations and, with --bisect, regressions and culprits).
   */
  enrich?: (report: RunReport) => Promise<Partial<Pick<RunReport, 'regressions' | 'explanations'>>>;
}

export interface EngineResult {
  report: RunReport;
  exitCode: number;
  comparison?: BaselineComparison;
}

/**
 * The backend a plan asks for. The simulator runs in-process whatever `jobs` is: with its boot
 * cache a cell costs ~50 us there against ~100-130 us through two worker threads, where
 * handing cells over and logs back costs more than simulating them (test/bench/sim-backend.mjs).
 * KMATRIX_SIM_THREADS=1 still puts it on `jobs` worker threads.
 */
export function createBackend(plan: Plan, opts: { jobs: number; seed: number; logCap?: number }): Backend {
  if (plan.backend.kind === 'command') {
    return new CommandBackend(plan.backend, {
      baseDir: plan.dir,
      jobs: opts.jobs,
      ...(opts.logCap ? { outputCap: opts.logCap } : {}),
    });
  }
  const workers = process.env.KMATRIX_SIM_THREADS === '1' ? opts.jobs : 0;
  return new SimBackend({ ...(plan.history ? { history: plan.history } : {}), seed: opts.seed, workers });
}

export async function runPlan(plan: Plan, opts: EngineOptions, io: EngineIo): Promise<EngineResult> {
  const now = io.now ?? (() => new Date());
  const jobs = Math.max(1, opts.jobs ?? plan.settings.jobs ?? availableParallelism());
  const timeoutMs =
    opts.timeoutMs ??
    (plan.backend.kind === 'command' ? plan.backend.timeoutMs : undefined) ??
    plan.settings.timeoutMs;
  const retries = opts.retries ?? plan.settings.retries;
  const seed = opts.seed ?? plan.settings.seed;
  const cache = opts.cacheDir ? new ResultCache(opts.cacheDir) : undefined;
  const backend = createBackend(plan, { jobs, seed, ...(opts.logCap ? { logCap: opts.logCap } : {}) });
  try {
    let cells: readonly Cell[] = plan.cells;
    if (opts.shard) {
      // Durations balance the shards only when the cache knows every runnable cell: a partial
      // cache (shard 1 ran here before shard 2) would make shards disagree on the split.
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
      cells = selectShard(plan.cells, opts.shard, (c) => durations.get(c.id));
    }

    const startedAt = now();
    const runPlanInfo: RunPlan = {
      matrix: plan.name,
      file: plan.file,
      ...(plan.description ? { description: plan.description } : {}),
      reportDir: opts.reportDir,
      startedAt: startedAt.toISOString(),
      cells: cells.map(plannedResult),
      axes: plan.axes,
      ...(opts.shard ? { shard: opts.shard } : {}),
    };
    // before any reporter touches it
    makeReportDir(opts.reportDir);
    await io.reporter.onRunStart?.(runPlanInfo);
    const progress = io.progress
      ? new ProgressLine(cells.filter((c) => c.state === 'run').length, io.progress)
      : undefined;
    const inFlight = backend instanceof SimBackend ? Math.max(backend.inFlight, 16) : jobs;
    let run;
    try {
      run = await runPool(cells, {
        backend,
        ...(cache ? { cache } : {}),
        jobs: inFlight,
        timeoutMs,
        retries,
        reportDir: opts.reportDir,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.killSignal ? { killSignal: opts.killSignal } : {}),
        ...(opts.graceMs !== undefined ? { graceMs: opts.graceMs } : {}),
        onWarning: io.warn,
        onCellEnd: async (r) => {
          if (r.status !== 'invalid' && r.status !== 'duplicate') progress?.update(r);
          await io.reporter.onCellEnd?.(r);
        },
      });
    } finally {
      progress?.finish();
    }

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
      ...(opts.shard ? { shard: opts.shard } : {}),
    };
    if (io.enrich) Object.assign(report, await io.enrich(report));
    const comparison = opts.baseline ? compareToBaseline(run.results, opts.baseline, opts.strict) : undefined;
    await io.reporter.onRunEnd?.(report, endReason(summary, run.interrupted));
    const exitCode = gateExitCode({
      summary,
      interrupted: run.interrupted,
      strict: opts.strict,
      ...(comparison ? { newFailures: comparison.newFailures.length } : {}),
    });
    return { report, exitCode, ...(comparison ? { comparison } : {}) };
  } finally {
    await backend.close?.();
  }
}

/** The report must exist after the run: a missing report.json is an infrastructure failure. */
export function assertReportWritten(reportDir: string): void {
  if (!existsSync(join(reportDir, 'report.json')))
    throw new InfraError(`could not write ${join(reportDir, 'report.json')}`);
}
