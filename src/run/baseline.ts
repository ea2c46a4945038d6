/**
 * Baselines: the known failures of an earlier run, so a gate fails only on new ones.
 * A baseline file is written by `kmatrix baseline REPORT -o FILE`; a whole report.json is
 * accepted as a baseline too. Pure: the CLI reads and writes the files.
 */
import * as z from 'zod';
import { UserError } from '../errors.js';
import { RunReportReadSchema, type CellResult, type RunReport, type Status } from '../report/schema.js';

/** Statuses a baseline remembers as failures. */
const FAILING: readonly Status[] = ['fail', 'timeout', 'flaky'];

export interface Baseline {
  kind: 'kmatrix-baseline';
  version: 1;
  matrix: string;
  createdAt: string;
  /** Cell id -> the failure signatures (or status, when a failure had none) it had. */
  failures: Record<string, string[]>;
}

const baselineSchema = z.strictObject({
  kind: z.literal('kmatrix-baseline'),
  version: z.literal(1),
  matrix: z.string(),
  createdAt: z.string(),
  failures: z.record(z.string(), z.array(z.string())),
});

/** What identifies a failure of a cell: its signature, or its status when it has none. */
export function failureKey(r: Pick<CellResult, 'status' | 'signature'>): string {
  return r.signature ?? r.status;
}

export function baselineFromReport(report: Pick<RunReport, 'matrix' | 'cells'>, createdAt: string): Baseline {
  const failures: Record<string, string[]> = {};
  for (const c of report.cells) {
    if (FAILING.includes(c.status)) (failures[c.id] ??= []).push(failureKey(c));
  }
  return { kind: 'kmatrix-baseline', version: 1, matrix: report.matrix, createdAt, failures };
}

/** Parse a baseline file or an earlier report.json; anything else is a UserError naming the file. */
export function parseBaseline(text: string, file: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(
      `${file}: not a baseline or report.json: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const asBaseline = baselineSchema.safeParse(data);
  if (asBaseline.success) return asBaseline.data;
  const asReport = RunReportReadSchema.safeParse(data);
  if (asReport.success) return baselineFromReport(asReport.data, asReport.data.startedAt);
  const issue = asBaseline.error.issues[0];
  const where = issue && issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new UserError(
    `${file}: not a baseline or report.json: ${where}${issue?.message ?? 'unexpected shape'}`,
  );
}

export interface BaselineComparison {
  /** Failing cells whose failure the baseline did not have. */
  newFailures: CellResult[];
  /** Failing cells the baseline knew with this very signature. */
  knownFailures: CellResult[];
  /** Cells failing in the baseline that pass now. */
  fixed: string[];
}

export function compareToBaseline(
  results: readonly CellResult[],
  baseline: Baseline,
  strict: boolean,
): BaselineComparison {
  const gating: readonly Status[] = strict ? FAILING : ['fail', 'timeout'];
  const cmp: BaselineComparison = { newFailures: [], knownFailures: [], fixed: [] };
  for (const r of results) {
    const known = baseline.failures[r.id];
    if (gating.includes(r.status)) {
      if (known?.includes(failureKey(r))) cmp.knownFailures.push(r);
      else cmp.newFailures.push(r);
    } else if (r.status === 'pass' && known) cmp.fixed.push(r.id);
  }
  return cmp;
}
