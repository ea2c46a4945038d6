/** The CI gate: the exit status a run ends with. */
import { ExitCode } from '../errors.js';
import type { Summary } from '../report/schema.js';

export interface GateInput {
  summary: Summary;
  interrupted: boolean;
  /** Flaky cells fail the gate too. */
  strict: boolean;
  /** With a baseline: how many failing cells are new (flaky ones counted only when strict). */
  newFailures?: number;
}

/**
 * 130 when interrupted; else 3 when any cell hit an infrastructure error (its result cannot be
 * trusted, so that outranks failures); else 1 when a cell failed or timed out (or was flaky
 * under --strict) - with a baseline, only new failures count; else 0.
 */
export function gateExitCode(g: GateInput): number {
  if (g.interrupted) return ExitCode.interrupted;
  if (g.summary.errors > 0) return ExitCode.infrastructure;
  const failing = g.newFailures ?? g.summary.failed + g.summary.timeouts + (g.strict ? g.summary.flaky : 0);
  return failing > 0 ? ExitCode.failed : ExitCode.ok;
}
