/**
 * The bisection driver's runs, through a session: probes as runs of their own per repetition,
 * KernelCI's revert check, and the regressions of a finished matrix run (`run --bisect`).
 * src/bisect decides what to test; this module only runs it.
 */
import { probeCell, type BisectCellOptions, type BisectReport, type ProbeCell } from '../bisect/driver.js';
import { canRevert, historyWithRevert } from '../bisect/revert.js';
import { cellAtCommit } from '../matrix/plan-kconfig.js';
import type { Cell } from '../matrix/types.js';
import type { CellResult, RegressionGroup } from '../report/schema.js';
import type { Session } from './session.js';

/** A `run` for the driver: each probe (a cell at a commit, one repetition) its own run and cache entry. */
export function probeRunner(session: Session, reportDir?: string): BisectCellOptions['run'] {
  return (probes: ProbeCell[]) =>
    session.runCells(
      // a probe's commit has its own .config when the tree is the git history
      probes.map((p) => cellAtCommit(session.plan, p.cell)),
      { reps: new Map(probes.map((p) => [p.cell.id, p.rep])), ...(reportDir ? { reportDir } : {}) },
    );
}

/**
 * KernelCI's revert check, for simulated histories: the bad end re-run `repeat` times, without
 * the cache, with the culprit's switch changes reverted, must pass. Null when there is nothing
 * to revert (a git history, or a culprit that changes no switch).
 */
export async function revertCheck(
  session: Session,
  check: { cell: Cell; culprit: number; bad: number; repeat: number },
  reportDir?: string,
): Promise<boolean | null> {
  const history = session.plan.history;
  const { cell, culprit, bad, repeat } = check;
  if (session.plan.backend.kind !== 'sim' || !history || !canRevert(history, culprit)) return null;
  const sha = history.commits[culprit]!.sha.slice(0, 12);
  const cells = Array.from({ length: repeat }, (_, rep) => {
    const c = probeCell(cell, history, bad, rep);
    return { ...c, id: `${c.id}-revert-${sha}` };
  });
  const results = await session.runCells(cells, {
    history: historyWithRevert(history, culprit, bad),
    reps: new Map(cells.map((c, rep) => [c.id, rep])),
    jobs: 1,
    ...(reportDir ? { reportDir } : {}),
  });
  return results.length === repeat && results.every((x) => x.status === 'pass');
}

/**
 * `kmatrix run --bisect`: the regressions of a finished run (a configuration passing at one
 * covered commit and failing at the next), one bisection per signature group on its cheapest
 * cell, the culprit confirmed on the group's other cells and checked by revert. The caller puts
 * `groups` into report.json's `regressions` and may write each of `reports` as a bisect.json.
 */
export async function bisectPlanRegressions(
  session: Session,
  results: readonly CellResult[],
  o: { reportDir: string; repeat?: number; onRound?: BisectCellOptions['onRound'] },
): Promise<{ groups: RegressionGroup[]; reports: BisectReport[] }> {
  const { plan } = session;
  const history = plan.history;
  if (!history) return { groups: [], reports: [] };
  const { bisectRegressions, findRegressions } = await import('../bisect/regressions.js');
  const regressions = findRegressions(plan.cells, new Map(results.map((r) => [r.id, r])), history);
  if (regressions.length === 0) return { groups: [], reports: [] };
  const repeat = o.repeat ?? 1;
  return bisectRegressions(regressions, {
    history,
    jobs: session.settings.jobs,
    repeat,
    signal: session.signals.stop,
    ...(o.onRound ? { onRound: o.onRound } : {}),
    run: probeRunner(session, o.reportDir),
    verify: (cell, culprit, bad) => revertCheck(session, { cell, culprit, bad, repeat }, o.reportDir),
  });
}
