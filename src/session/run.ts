/**
 * `kmatrix run` as a session's job: the matrix through the engine on the session's matrix
 * backend, then (before reporters see the end) failure explanations and, with --bisect, each
 * regression bisected to its culprit. The CLI prints what comes back.
 */
import { join } from 'node:path';
import { InfraError } from '../errors.js';
import type { Multiplexer } from '../report/multiplexer.js';
import type { RunReport } from '../report/schema.js';
import type { Baseline } from '../run/baseline.js';
import { assertReportWritten, executeRun, type EngineResult } from '../run/engine.js';
import type { ProgressStream } from '../run/progress.js';
import type { Shard } from '../run/shard.js';
import type { Session } from './session.js';

export interface MatrixRunOptions {
  /** Every reporter, behind one multiplexer (its `json` reporter writes report.json). */
  reporter: Multiplexer;
  baseline?: Baseline;
  shard?: Shard;
  /** Bisect each regression to its culprit (`run --bisect`), with this many runs per commit. */
  bisect?: { repeat: number };
  /** The progress line goes here; absent: none. */
  progress?: ProgressStream;
  /** --verify-cache N: re-run N cached cells and compare. */
  verifyCache?: number;
}

/** Runs the session's matrix into its report folder (which the caller named and gave the reporters). */
export async function runMatrix(session: Session, o: MatrixRunOptions): Promise<EngineResult> {
  const { plan, settings } = session;
  const reportDir = session.reportDir();
  type Analyses = Partial<Pick<RunReport, 'regressions' | 'explanations'>>;
  const analyse = async (report: RunReport): Promise<Analyses> => {
    const failing = report.cells.some((c) => c.status === 'fail' || c.status === 'flaky');
    const extra: Analyses = {};
    if (failing) extra.explanations = (await import('../bisect/explain.js')).explainReport(report);
    if (o.bisect && !report.interrupted && plan.history) {
      const { bisectPlanRegressions } = await import('./bisect-runs.js');
      const { groups } = await bisectPlanRegressions(session, report.cells, {
        reportDir: join(reportDir, 'bisect'),
        repeat: o.bisect.repeat,
      });
      extra.regressions = groups;
    }
    return extra;
  };
  const out = await executeRun(
    plan,
    await session.matrixBackend(),
    {
      jobs: settings.jobs,
      timeoutMs: settings.timeoutMs,
      retries: settings.retries,
      ...(session.cache ? { cache: session.cache } : {}),
      ...(o.baseline ? { baseline: o.baseline } : {}),
      ...(o.shard ? { shard: o.shard } : {}),
      reportDir,
      strict: settings.strict,
      graceMs: settings.graceMs,
      signal: session.signals.stop,
      killSignal: session.signals.kill,
      ...(o.verifyCache ? { verifyCache: { count: o.verifyCache, seed: settings.seed } } : {}),
    },
    {
      reporter: o.reporter,
      ...(o.progress ? { progress: o.progress } : {}),
      warn: (m) => session.warn(m),
      enrich: analyse,
    },
  );
  if (o.reporter.failures.includes('json'))
    throw new InfraError(`could not write ${join(reportDir, 'report.json')} (see the reporter error above)`);
  assertReportWritten(reportDir);
  return out;
}
