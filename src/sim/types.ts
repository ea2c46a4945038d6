/**
 * The simulator's public contract: plain data in, plain data out. src/sim is pure (no I/O,
 * no clock, no randomness other than seeded hashing) and imports nothing from run/report/cli.
 */

/** One injected, openly non-mechanistic failure rule from a history's `inject` switch. */
export interface InjectRule {
  /** Partial match on the cell's flattened axes (`arch`, `boot`, `workload`, `kconfig.HIGHMEM`, ...). */
  when: Record<string, string>;
  /** The report line printed when the rule fires, e.g. "BUG: soft lockup - CPU#0 stuck for 22s!". */
  fail: string;
  /** Probability in [0,1] that the rule fires on a given attempt; 1 when absent. */
  probability?: number;
}

/** The behaviour switches a simulated commit has flipped (defaults + every `set` up to it). */
export type Switches = Record<string, unknown>;

export interface SimInput {
  arch: string;
  /** Resolved Kconfig, symbol -> enabled (canonical symbol names of src/kconfig/declared). */
  config: Record<string, boolean>;
  /** Kernel command line as the matrix gives it. */
  boot: string;
  workload: string;
  machine: { memory: number; nodes: number };
  commit: { sha: string; subject: string; version?: string };
  switches: Switches;
  /** Flattened axes of the cell, for `inject` matching. */
  axes: Record<string, string>;
  /**
   * Attempt number and a seed, so that injected flakes are deterministic per (cell, commit,
   * attempt, seed).
   */
  attempt: number;
  seed: number;
  /** `build: broken` commits: the cell is untestable. */
  buildBroken?: boolean;
}

export interface SimResult {
  verdict: 'pass' | 'fail' | 'skip';
  /** Normalised first report line (see normaliseSignature). */
  signature?: string;
  /** dmesg-like log, byte-identical for identical input. */
  log: string;
}

/** A located problem in a boot command line, reported as a matrix error by the loader. */
export interface BootParamProblem {
  /** Offset of the offending parameter inside the command line string. */
  offset: number;
  param: string;
  message: string;
  hint?: string;
}
