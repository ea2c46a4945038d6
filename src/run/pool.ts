/**
 * The worker pool: runs the cells of a plan through a backend with bounded concurrency,
 * per-cell timeouts, retries, the result cache, and cooperative cancellation.
 *
 * Results stream to `onCellEnd` as cells finish and each log goes straight to its file, so a
 * run of 100,000 cells never holds their logs in memory. A queueing backend
 * (BackendFeed.queueDepth) is handed that many cells more than `jobs`; their timers start when
 * they do. Cancellation: when `signal` aborts, nothing new starts (nor what a queueing backend
 * holds); running cells get `graceMs` to finish, then `killSignal` (or the grace timer) aborts
 * them. Cells that did not complete are left out of the results (they have no
 * status: they were not run) and listed in `notRun`; the run reports `interrupted`.
 */
import { join } from 'node:path';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Cell } from '../matrix/types.js';
import { Bounded } from '../util/bounded.js';
import { runAttempts, type AttemptSettings } from './attempts.js';
import { cacheKey, isCachedStatus, type CachedResult, type ResultCache } from './cache.js';
import { Cancellation } from './cancellation.js';
import { cellResult, plannedResult } from './cell-result.js';
import { makeReportDir, safeFileName } from './log-files.js';
import { PoolOutput } from './pool-output.js';
import type { CellResult, Status } from '../report/schema.js';
import type { Backend, Outcome } from './types.js';

export interface PoolOptions {
  backend: Backend;
  /** Absent with --no-cache. */
  cache?: ResultCache;
  /** Cells in flight at once. */
  jobs: number;
  timeoutMs: number;
  /** Extra attempts of a failing cell. */
  retries: number;
  /** Logs go to <reportDir>/logs/ (see log-pack.ts). */
  reportDir: string;
  /** Aborting stops scheduling and starts the grace period of running cells. */
  signal?: AbortSignal;
  /** Aborting kills running cells at once (second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Grace of running cells after `signal`; default 10 s. */
  graceMs?: number;
  /**
   * Extra time a backend gets to return after its cell's signal aborts before the pool gives up on it;
   * default 5 s.
   */
  settleMs?: number;
  onCellEnd?: (result: CellResult) => void | Promise<void>;
  /** Ids of cells to re-run even when cached, comparing status and signature (--verify-cache). */
  verify?: ReadonlySet<string>;
  /** Non-fatal problems (a cache write failed). */
  onWarning?: (message: string) => void;
}

export interface PoolRun {
  /** In plan order; cells not run are absent. */
  results: CellResult[];
  interrupted: boolean;
  /** Ids of runnable cells that did not complete because of the interruption. */
  notRun: string[];
  /** Cached cells re-run to check the cache (PoolOptions.verify), and those whose result differed. */
  verified: number;
  mismatches: CacheMismatch[];
}

/** A cached cell whose re-run ended otherwise (--verify-cache). */
export interface CacheMismatch {
  id: string;
  cached: { status: Status; signature?: string };
  rerun: { status: Status; signature?: string };
}

/** Final status from the attempts: pass after a failure is flaky; otherwise the last verdict. */
export function finalStatus(verdicts: Outcome['verdict'][]): Status {
  const last = verdicts.at(-1)!;
  if (last === 'pass') return verdicts.length > 1 ? 'flaky' : 'pass';
  return last;
}

/** A cached result is reusable unless it is a failure that had fewer attempts than we would now give it. */
function reusable(hit: CachedResult, retries: number): boolean {
  return hit.status !== 'fail' || hit.attempts >= retries + 1;
}

/** What runPool's cells share while they run. */
interface PoolState {
  opts: PoolOptions;
  fingerprint: string;
  output: PoolOutput;
  cancel: Cancellation;
  attempts: AttemptSettings;
  limit: LimitFunction;
  results: Array<CellResult | undefined>;
  notRun: string[];
  verified: number;
  mismatches: CacheMismatch[];
}

async function emit(p: PoolState, i: number, r: CellResult): Promise<void> {
  p.results[i] = r;
  await p.opts.onCellEnd?.(r);
}

/** A cell's result from the cache, when it has one we may reuse (or, to verify, the hit itself). */
async function fromCache(
  p: PoolState,
  cell: Cell,
  key: string | undefined,
): Promise<CellResult | CachedResult | undefined> {
  const hit = key ? await p.opts.cache?.get(key) : undefined;
  if (!hit || !reusable(hit, p.opts.retries)) return undefined;
  if (p.opts.verify?.has(cell.id)) return hit;
  const log = await p.output.storeLog(cell, hit.status, hit.log);
  return cellResult(cell, {
    status: hit.status,
    signature: hit.signature,
    durationMs: hit.durationMs,
    attempts: hit.attempts,
    cached: true,
    log: log || undefined,
    truncated: hit.truncated,
  });
}

/** Compares a re-run with the entry it was to confirm (a cacheable result has replaced the entry). */
function verify(
  p: PoolState,
  cell: Cell,
  hit: CachedResult,
  status: Status,
  signature: string | undefined,
): void {
  p.verified++;
  if (hit.status === status && hit.signature === signature) return;
  p.mismatches.push({
    id: cell.id,
    cached: { status: hit.status, ...(hit.signature !== undefined ? { signature: hit.signature } : {}) },
    rerun: { status, ...(signature !== undefined ? { signature } : {}) },
  });
}

async function runOne(p: PoolState, cell: Cell, i: number): Promise<void> {
  const { opts, output, cancel } = p;
  if (cancel.stop.aborted) return void p.notRun.push(cell.id);
  const { backend, cache } = opts;
  const key = cache ? cacheKey(cell, p.fingerprint, backend.cellFingerprint?.(cell) ?? '') : undefined;
  const cached = await fromCache(p, cell, key);
  if (cached && 'id' in cached) return emit(p, i, cached);
  const logDir = join(opts.reportDir, 'logs', safeFileName(cell.id));
  // only the attempts hold a job slot: storing the log and reporting the result happen after
  // the slot is free, so the next cell's program starts without waiting for them
  const ran = await p.limit(() =>
    cancel.stop.aborted ? undefined : runAttempts(backend, cell, logDir, p.attempts),
  );
  if (ran === undefined) return void p.notRun.push(cell.id);
  const { verdicts, truncated, durationMs } = ran;
  const status = finalStatus(verdicts);
  const signature = status === 'pass' || status === 'skip' ? undefined : ran.signature;
  const text = ran.logs.join('');
  const attempts = verdicts.length;
  if (cache && key && isCachedStatus(status)) {
    const extra = { ...(signature !== undefined ? { signature } : {}), ...(truncated ? { truncated } : {}) };
    await output.putCache(cache, key, { status, durationMs, attempts, log: text, ...extra });
  }
  if (cached) verify(p, cell, cached, status, signature);
  const log = await output.storeLog(cell, status, text);
  const fields = { status, signature, durationMs, attempts, cached: false, log: log || undefined, truncated };
  await emit(p, i, cellResult(cell, fields));
}

export async function runPool(cells: readonly Cell[], opts: PoolOptions): Promise<PoolRun> {
  const { backend } = opts;
  makeReportDir(opts.reportDir);
  const cancel = new Cancellation(backend, { ...opts, graceMs: opts.graceMs ?? 10_000 });
  const output = new PoolOutput(opts.reportDir, (err) => cancel.fail(err), opts.onWarning);
  // p-limit runs at most `jobs` cells at once; cells are handed to it a few at a time so that a
  // 100,000-cell run never holds a queued promise per cell
  const slots = Math.max(1, opts.jobs) + (backend.feed?.queueDepth ?? 0);
  const p: PoolState = {
    opts,
    fingerprint: backend.fingerprint(),
    output,
    cancel,
    attempts: {
      timeoutMs: opts.timeoutMs,
      settleMs: opts.settleMs ?? 5_000,
      retries: opts.retries,
      stop: cancel.stop,
      kill: cancel.kill,
    },
    limit: pLimit(slots),
    results: new Array<CellResult | undefined>(cells.length),
    notRun: [],
    verified: 0,
    mismatches: [],
  };
  const runnable: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i]!.state === 'run') runnable.push(i);
    else await emit(p, i, plannedResult(cells[i]!));
  }
  // room for a cell queued behind every slot while as many finished cells are recorded
  const fed = new Bounded(3 * slots);
  try {
    for (const i of runnable) await fed.start(() => runOne(p, cells[i]!, i));
    await fed.drain();
    await output.drain();
  } finally {
    output.close();
    cancel.dispose();
  }
  if (output.fatal) throw output.fatal;
  const order = new Map(cells.map((c, i) => [c.id, i]));
  p.notRun.sort((a, b) => order.get(a)! - order.get(b)!);
  return {
    results: p.results.filter((r): r is CellResult => r !== undefined),
    interrupted: cancel.interrupted,
    notRun: p.notRun,
    verified: p.verified,
    mismatches: p.mismatches.sort((a, b) => order.get(a.id)! - order.get(b.id)!),
  };
}
