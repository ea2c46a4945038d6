/**
 * The bisection driver wired to the run engine: the plan's backend (a git worktree per worker
 * for the command backend on a git history), the pool and cache, and the revert check. Used by
 * `kmatrix bisect` and by `kmatrix run --bisect` (`bisectPlanRegressions`).
 *
 * Backends are imported when chosen: the simulator's modules (and zod schemas) cost a command
 * bisection tens of ms of start-up for nothing, and a sim bisection needs no git or worktrees.
 */
import path from 'node:path';
import type { History } from '../history/types.js';
import type { WorktreePool } from '../history/worktrees.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import type { RegressionGroup } from '../report/schema.js';
import type { ResultCache } from '../run/cache.js';
import { runPool } from '../run/pool.js';
import type { CellResult } from '../report/schema.js';
import type { Backend } from '../run/types.js';
import { probeCell, type BisectCellOptions, type BisectReport, type ProbeCell } from './driver.js';
import { RepeatBackend, WorktreeCommandBackend } from './driver-backends.js';
import { canRevert, historyWithRevert } from './revert.js';

/**
 * The run engine's backend for a plan; with a git history every command run gets its own
 * worktree, from `worktrees` when given (a pool prepared ahead, see head-start.ts).
 */
export async function makeBisectBackend(
  plan: Plan,
  history: History,
  jobs: number,
  forHistory: History = history,
  worktrees?: WorktreePool,
): Promise<Backend> {
  if (plan.backend.kind === 'sim') {
    const { SimBackend } = await import('../run/backends/sim.js');
    return new SimBackend({ history: forHistory, seed: plan.settings.seed, workers: 0 });
  }
  const options = { baseDir: plan.dir };
  if (history.kind === 'git') {
    const pool =
      worktrees ??
      new (await import('../history/worktrees.js')).WorktreePool(history.source, {
        root: path.resolve('.kmatrix', 'worktrees'),
        size: jobs,
      });
    return new WorktreeCommandBackend(plan.backend, options, pool);
  }
  const { CommandBackend } = await import('../run/backends/command.js');
  return new CommandBackend(plan.backend, options);
}

export interface PoolSettings {
  jobs: number;
  timeoutMs: number;
  reportDir: string;
  cache?: ResultCache;
  signal?: AbortSignal;
  killSignal?: AbortSignal;
  onWarning?: (message: string) => void;
}

/** A `run` for the driver: the probes through the pool, each repetition its own run and cache entry. */
export function poolRunner(backend: RepeatBackend, s: PoolSettings): BisectCellOptions['run'] {
  return async (probes: ProbeCell[]) => {
    for (const p of probes) backend.register(p.cell.id, p.rep);
    const { cache, signal, killSignal, onWarning } = s;
    const r = await runPool(
      probes.map((p) => p.cell),
      {
        backend,
        jobs: s.jobs,
        timeoutMs: s.timeoutMs,
        retries: 0,
        reportDir: s.reportDir,
        ...(cache ? { cache } : {}),
        ...(signal ? { signal } : {}),
        ...(killSignal ? { killSignal } : {}),
        ...(onWarning ? { onWarning } : {}),
      },
    );
    return r.results;
  };
}

/**
 * KernelCI's revert check, for simulated histories: the bad end re-run `repeat` times, without
 * the cache, with the culprit's switch changes reverted, must pass. Null when there is nothing
 * to revert (a git history, or a culprit that changes no switch).
 */
export async function revertCheck(
  plan: Plan,
  history: History,
  cell: Cell,
  culprit: number,
  bad: number,
  repeat: number,
  s: Pick<PoolSettings, 'timeoutMs' | 'reportDir'>,
): Promise<boolean | null> {
  if (plan.backend.kind !== 'sim' || !canRevert(history, culprit)) return null;
  const backend = new RepeatBackend(
    await makeBisectBackend(plan, history, 1, historyWithRevert(history, culprit, bad)),
  );
  const cells = Array.from({ length: repeat }, (_, rep) => {
    const c = probeCell(cell, history, bad, rep);
    const probe = { ...c, id: `${c.id}-revert-${history.commits[culprit]!.sha.slice(0, 12)}` };
    backend.register(probe.id, rep);
    return probe;
  });
  try {
    const r = await runPool(cells, {
      backend,
      jobs: 1,
      timeoutMs: s.timeoutMs,
      retries: 0,
      reportDir: s.reportDir,
    });
    return r.results.length === repeat && r.results.every((x) => x.status === 'pass');
  } finally {
    await backend.close();
  }
}

/**
 * `kmatrix run --bisect`: the regressions of a finished run (a configuration passing at one
 * covered commit and failing at the next), one bisection per signature group on its cheapest
 * cell, the culprit confirmed on the group's other cells and checked by revert. The caller puts
 * `groups` into report.json's `regressions` and may write each of `reports` as a bisect.json.
 */
export async function bisectPlanRegressions(
  plan: Plan,
  results: readonly CellResult[],
  s: PoolSettings & { repeat?: number; onRound?: BisectCellOptions['onRound'] },
): Promise<{ groups: RegressionGroup[]; reports: BisectReport[] }> {
  const history = plan.history;
  if (!history) return { groups: [], reports: [] };
  const { bisectRegressions, findRegressions } = await import('./regressions.js');
  const regressions = findRegressions(plan.cells, new Map(results.map((r) => [r.id, r])), history);
  if (regressions.length === 0) return { groups: [], reports: [] };
  const inner = await makeBisectBackend(plan, history, s.jobs);
  const backend = new RepeatBackend(inner);
  try {
    return await bisectRegressions(regressions, {
      history,
      jobs: s.jobs,
      ...(s.repeat ? { repeat: s.repeat } : {}),
      ...(s.signal ? { signal: s.signal } : {}),
      ...(s.onRound ? { onRound: s.onRound } : {}),
      run: poolRunner(backend, s),
      verify: (cell, culprit, bad) => revertCheck(plan, history, cell, culprit, bad, s.repeat ?? 1, s),
    });
  } finally {
    await backend.close();
  }
}
