import type { Cell } from '../matrix/types.js';

/** What a backend says about one attempt of one cell. */
export interface Outcome {
  verdict: 'pass' | 'fail' | 'skip' | 'error' | 'timeout';
  /** Normalised first report line; present on fail (and on error/timeout when known). */
  signature?: string;
  /** Full log text of the attempt (the pool writes it to the cell's log file). */
  log: string;
  /** True when the log was cut at the configured cap. */
  truncated?: boolean;
  /** How long the program itself ran, by its own clock (a paused kmatrix does not count). */
  elapsedMs?: number;
}

export interface RunContext {
  signal: AbortSignal;
  /** 0 for the first attempt, 1.. for retries (flaky simulation is seeded by it). */
  attempt: number;
  /** Directory where the backend may write extra files for this cell. */
  logDir: string;
  /**
   * A queueing backend (BackendFeed.queueDepth) calls this when the cell's program starts: the pool's
   * timeout and the cell's duration count from there. `atMs`: when it started by the program's own
   * clock (Date.now() scale), which kmatrix may hear of late; `hasExited`: whether the program has
   * exited though the backend has not said so yet (asked before a timeout is declared).
   */
  started?: (atMs?: number, hasExited?: () => boolean) => void;
  /**
   * The program has exited (its output may still be read): no timeout applies to it any more, however
   * late kmatrix (paused, busy) gets to its timer.
   */
  exited?: () => void;
}

/** What a queueing backend's run() rejects with for a cell it cancelled before it started. */
export class NotStarted extends Error {
  constructor() {
    super('the cell was cancelled before it started');
  }
}

/** A backend runs one cell. The simulator and the command runner implement it; tests use fakes. */
export interface Backend {
  readonly name: string;
  /** Content that identifies the backend's behaviour, part of the cache key. */
  fingerprint(): string;
  /** Per-cell content the result depends on beyond the cell itself (e.g. a simulated commit's switches). */
  cellFingerprint?(cell: Cell): string;
  run(cell: Cell, ctx: RunContext): Promise<Outcome>;
  /** Release workers, processes. */
  close?(): Promise<void>;
  /** Faster ways the pool may feed this backend than one run() per job slot; all optional. */
  readonly feed?: BackendFeed;
}

/** How a backend wants to be fed cells, beyond plain run() calls (Backend.feed). */
export interface BackendFeed {
  /** Cells the pool keeps in flight, whatever `jobs` is (the simulator, whose cells cost microseconds). */
  readonly inFlight?: number;
  /**
   * Computes a cell synchronously in this thread (the in-process simulator): nothing can
   * interrupt it, so the pool skips the per-attempt timer and abort wiring, which costs more
   * than a simulated cell. Returns undefined to fall back to run().
   */
  runSync?(cell: Cell, attempt: number): Outcome | undefined;
  /**
   * Called once before a run with the cells the pool is to run, in the order it starts them
   * (cached ones may be skipped): a backend may compute them ahead (the simulator on worker
   * threads) and answer runSync from what it computed.
   */
  expect?(cells: readonly Cell[]): void;
  /**
   * Cells the backend takes beyond the `jobs` it runs at once: it queues them and starts each
   * the moment a running one ends, without a round trip through the pool (the command
   * backend's spawner shells). Such a backend calls ctx.started when a cell really starts,
   * and after cancelQueued() rejects the cells it has not started with NotStarted.
   */
  readonly queueDepth?: number;
  cancelQueued?(): void;
}
