import type { CellResult, Summary } from '../run/types.js';

/** Why a run ended. */
export type RunEndReason = 'passed' | 'failed' | 'interrupted';

/** What reporters learn at the start of a run. */
export interface RunPlan {
  /** Matrix name. */
  matrix: string;
  /** Matrix file path as given. */
  file: string;
  description?: string;
  /** The report directory of this run (absolute). */
  reportDir: string;
  startedAt: string;
  /** Every planned cell, including invalid and duplicate ones, in plan order. */
  cells: CellResult[];
  /** Axis names present in the matrix, e.g. ["arch", "kconfig.HIGHMEM", "boot", "workload", "commit"]. */
  axes: string[];
  /** `i/n` when this run is a shard. */
  shard?: { index: number; count: number };
}

/** A regression found by `run --bisect` and its culprit. */
export interface RegressionGroup {
  signature: string;
  cells: string[];
  culprit: { sha: string; subject: string } | null;
  candidates: string[];
  verified?: boolean;
  /** Cells of the group on which the culprit was checked and confirmed. */
  confirmedOn?: string[];
}

/** One explanation line per failure signature: smallest conjunctions covering its failing cells. */
export interface Explanation {
  signature: string;
  /** e.g. ["arch=i386", "kconfig.HIGHMEM=y", "kconfig.CMA=y"]; empty when none covers exactly. */
  conjunction: string[];
  exact: boolean;
  /** Cell ids the conjunction selects that do not fail with the signature. */
  counterExamples: string[];
  failing: number;
}

/** report.json: the whole run. */
export interface RunReport {
  version: 1;
  matrix: string;
  file?: string;
  startedAt: string;
  durationMs: number;
  interrupted: boolean;
  summary: Summary;
  cells: CellResult[];
  axes?: string[];
  shard?: { index: number; count: number };
  regressions?: RegressionGroup[];
  explanations?: Explanation[];
}

/** Reporters implement any of these hooks; a multiplexer calls all and isolates a throwing one. */
export interface Reporter {
  readonly name: string;
  onRunStart?(plan: RunPlan): void | Promise<void>;
  onCellEnd?(cell: CellResult): void | Promise<void>;
  onRunEnd?(report: RunReport, reason: RunEndReason): void | Promise<void>;
}
