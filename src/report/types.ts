import type { CellResult, RunReport, Shard } from './schema.js';

/** Why a run ended. */
export type RunEndReason = 'passed' | 'failed' | 'interrupted';

/** What reporters learn at the start of a run. */
export interface RunStart {
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
  shard?: Shard;
  /** sha256 of the whole plan before sharding (plan-hash.ts); merge checks shards against it. */
  planHash?: string;
}

/** Reporters implement any of these hooks; a multiplexer calls all and isolates a throwing one. */
export interface Reporter {
  readonly name: string;
  onRunStart?(plan: RunStart): void | Promise<void>;
  onCellEnd?(cell: CellResult): void | Promise<void>;
  onRunEnd?(report: RunReport, reason: RunEndReason): void | Promise<void>;
}
