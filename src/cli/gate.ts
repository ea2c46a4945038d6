/** The CI gate options shared by `run` and `merge`: reading a baseline and saying what it found. */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { Baseline, BaselineComparison } from '../run/baseline.js';
import { escapeControl } from '../util/control.js';

/** Read a baseline file (or an earlier report.json) given to --baseline. */
export async function readBaselineFile(file: string): Promise<Baseline> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `--baseline: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const { parseBaseline } = await import('../run/baseline.js');
  return parseBaseline(text, file);
}

/** New failures, known ones and fixed cells, on stderr. */
export function printComparison(err: NodeJS.WritableStream, cmp: BaselineComparison): void {
  const { newFailures, knownFailures, fixed } = cmp;
  err.write(
    `baseline: ${newFailures.length} new failure(s), ${knownFailures.length} known, ${fixed.length} fixed\n`,
  );
  for (const r of newFailures) err.write(`  new: ${r.id}: ${escapeControl(r.signature ?? r.status)}\n`);
  for (const id of fixed) err.write(`  fixed: ${id}\n`);
}
