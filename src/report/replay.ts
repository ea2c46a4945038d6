/** Feeding a recorded run back through reporters: how `kmatrix report` and `kmatrix merge` render. */
import type { CellResult, RunReport } from './schema.js';
import type { Reporter, RunEndReason, RunStart } from './types.js';

export async function replayRun(
  reporter: Reporter,
  run: { start: RunStart; cellEnds: readonly CellResult[]; report: RunReport; reason: RunEndReason },
): Promise<void> {
  await reporter.onRunStart?.(run.start);
  for (const c of run.cellEnds) await reporter.onCellEnd?.(c);
  await reporter.onRunEnd?.(run.report, run.reason);
}
