/**
 * The worker pool: runs the cells of a plan through a backend with bounded concurrency,
 * per-cell timeouts, retries, the result cache, and cooperative cancellation.
 *
 * Results stream to `onCellEnd` as cells finish and each log goes straight to its file, so a
 * run of 100,000 cells never holds their logs in memory. A queueing backend
 * (Backend.queueDepth) is handed that many cells more than `jobs`; their timers start when
 * they do. Cancellation: when `signal` aborts, nothing new starts (nor what a queueing backend
 * holds); running cells get `graceMs` to finish, then `killSignal` (or the grace timer) aborts
 * them. Cells that did not complete are left out of the results (they have no
 * status: they were not run) and listed in `notRun`; the run reports `interrupted`.
 */
import { setMaxListeners } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { InfraError } from '../errors.js';
import type { Cell } from '../matrix/types.js';
import { cacheKey, isCachedStatus, type CachedResult, type ResultCache } from './cache.js';
import { cellResult, plannedResult } from './cell-result.js';
import { logPathOf, makeReportDir, safeFileName } from './log-files.js';
import { LogPack, PACK_FILE, packed } from '../report/log-pack.js';
import { Bounded } from '../util/bounded.js';
import type { CellResult, Status } from '../report/schema.js';
import { NotStarted, type Backend, type Outcome } from './types.js';

export interface PoolOptions {
  backend: Backend;
  /** Absent with --no-cache. */
  cache?: ResultCache;
  /** Cells in flight at once. */
  jobs: number;
  timeoutMs: number;
  /** Extra attempts of a failing cell. */
  retries: number;
  /** Logs go to <reportDir>/logs/ (see report/log-pack.ts). */
  reportDir: string;
  /** Aborting stops scheduling and starts the grace period of running cells. */
  signal?: AbortSignal;
  /** Aborting kills running cells at once (second Ctrl-C). */
  killSignal?: AbortSignal;
  /** Grace of running cells after `signal`; default 10 s. */
  graceMs?: number;
  /** Extra time a backend gets to return after its cell's signal aborts before the pool gives up on it; default 5 s. */
  settleMs?: number;
  onCellEnd?: (result: CellResult) => void | Promise<void>;
  /** Non-fatal problems (a cache write failed). */
  onWarning?: (message: string) => void;
}

export interface PoolRun {
  /** In plan order; cells not run are absent. */
  results: CellResult[];
  interrupted: boolean;
  /** Ids of runnable cells that did not complete because of the interruption. */
  notRun: string[];
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

const INTERRUPTED = Symbol('interrupted');
/** Log and cache files being written at once (see `background` in runPool). */
const MAX_WRITES = 64;

export async function runPool(cells: readonly Cell[], opts: PoolOptions): Promise<PoolRun> {
  const { backend, cache, reportDir } = opts;
  makeReportDir(reportDir);
  const graceMs = opts.graceMs ?? 10_000;
  const settleMs = opts.settleMs ?? 5_000;
  const halt = new AbortController();
  const stop = opts.signal ? AbortSignal.any([opts.signal, halt.signal]) : halt.signal;
  const kill = new AbortController();
  // every running cell listens to the kill signal: thousands of listeners are expected
  setMaxListeners(0, kill.signal);
  const onForce = () => {
    backend.cancelQueued?.();
    kill.abort(new DOMException('killed', 'AbortError'));
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const onStop = () => {
    backend.cancelQueued?.();
    graceTimer = setTimeout(onForce, graceMs);
  };
  if (opts.killSignal?.aborted) onForce();
  opts.killSignal?.addEventListener('abort', onForce, { once: true });
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });

  const fingerprint = backend.fingerprint();
  const results = new Array<CellResult | undefined>(cells.length);
  const notRun: string[] = [];
  let warnedCache = false;
  let fatal: InfraError | undefined;

  // Log files and cache entries are written in the background, at most MAX_WRITES at once (a
  // file creation costs more than a simulated cell); the pool returns once all have landed.
  const writes = new Bounded(MAX_WRITES);
  /** A log we cannot write is fatal (exit 3): stop the run, keep what the cache has. */
  const cannotWrite = (file: string, err: unknown) => {
    fatal ??= InfraError.cannotWrite(file, err);
    halt.abort(fatal);
    onForce();
  };
  const pack = new LogPack(reportDir);
  /** Stores a cell's log (see report/log-pack.ts) and says where, relative to the report directory. */
  const storeLog = async (cell: Cell, status: Status, text: string): Promise<string | undefined> => {
    if (packed(status)) {
      try {
        return pack.append(cell.id, text);
      } catch (err) {
        cannotWrite(join(reportDir, PACK_FILE), err);
        return undefined;
      }
    }
    const rel = logPathOf(cell.id);
    const file = join(reportDir, rel);
    await writes.start(() => writeFile(file, text).catch((err: unknown) => cannotWrite(file, err)));
    return rel;
  };

  const emit = async (i: number, r: CellResult) => {
    results[i] = r;
    await opts.onCellEnd?.(r);
  };

  /** `onStart` hears when the attempt's program starts (for a queueing backend, after its wait). */
  const attempt = async (
    cell: Cell,
    n: number,
    logDir: string,
    onStart: () => void,
  ): Promise<Outcome | typeof INTERRUPTED> => {
    if (kill.signal.aborted) return INTERRUPTED;
    const now = backend.runSync?.(cell, n);
    if (now) return now;
    // own timer rather than AbortSignal.timeout/any: cleared at once, so 100,000 cells leave no timers behind
    const ac = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const started = () => {
      onStart();
      timer ??= setTimeout(() => {
        timedOut = true;
        ac.abort(new DOMException(`cell timed out after ${opts.timeoutMs} ms`, 'TimeoutError'));
      }, opts.timeoutMs);
    };
    if (!backend.queueDepth) started();
    const onKill = () => ac.abort(kill.signal.reason);
    if (kill.signal.aborted) onKill();
    else kill.signal.addEventListener('abort', onKill, { once: true });
    let giveUp: NodeJS.Timeout | undefined;
    const abandoned = new Promise<Outcome>((res) => {
      const onAbort = () => {
        giveUp = setTimeout(
          () =>
            res({ verdict: 'timeout', log: '[kmatrix] backend did not stop after its cell was aborted\n' }),
          settleMs,
        );
      };
      if (ac.signal.aborted) onAbort();
      else ac.signal.addEventListener('abort', onAbort, { once: true });
    });
    let outcome: Outcome | typeof INTERRUPTED;
    try {
      outcome = await Promise.race([
        backend
          .run(cell, { signal: ac.signal, attempt: n, logDir, started })
          .catch((err: unknown): Outcome | typeof INTERRUPTED =>
            err instanceof NotStarted
              ? INTERRUPTED
              : {
                  verdict: 'error',
                  signature: `backend ${backend.name} failed: ${err instanceof Error ? err.message : String(err)}`,
                  log: `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
                },
          ),
        abandoned,
      ]);
    } finally {
      clearTimeout(timer);
      clearTimeout(giveUp);
      kill.signal.removeEventListener('abort', onKill);
    }
    if (outcome === INTERRUPTED || (kill.signal.aborted && !timedOut)) return INTERRUPTED;
    if (timedOut && outcome.verdict !== 'timeout') {
      // the backend finished as the clock ran out, or reported the kill as something else
      outcome = { ...outcome, verdict: 'timeout', signature: outcome.signature ?? 'timeout' };
    }
    return outcome;
  };

  /** Runs a cell's attempts (retries included); undefined when the run was interrupted. */
  const attempts = async (cell: Cell, logDir: string) => {
    let started: number | undefined;
    const onStart = () => {
      started ??= performance.now();
    };
    const verdicts: Outcome['verdict'][] = [];
    const logs: string[] = [];
    let signature: string | undefined;
    let truncated = false;
    for (let n = 0; n <= opts.retries; n++) {
      const out = await attempt(cell, n, logDir, onStart);
      if (out === INTERRUPTED) return undefined;
      verdicts.push(out.verdict);
      logs.push(
        opts.retries > 0 ? `=== kmatrix: attempt ${n + 1} (${out.verdict}) ===\n${out.log}` : out.log,
      );
      truncated ||= out.truncated === true;
      if (out.verdict !== 'pass') signature = out.signature ?? signature;
      if (out.verdict === 'pass' || out.verdict === 'skip' || stop.aborted) break;
    }
    return {
      verdicts,
      logs,
      signature,
      truncated,
      durationMs: Math.round(performance.now() - (started ?? performance.now())),
    };
  };

  const runOne = async (cell: Cell, i: number): Promise<void> => {
    if (stop.aborted) {
      notRun.push(cell.id);
      return;
    }
    const key = cache ? cacheKey(cell, fingerprint, backend.cellFingerprint?.(cell) ?? '') : undefined;
    if (cache && key) {
      const hit = await cache.get(key);
      if (hit && reusable(hit, opts.retries)) {
        const log = await storeLog(cell, hit.status, hit.log);
        await emit(
          i,
          cellResult(cell, {
            status: hit.status,
            signature: hit.signature,
            durationMs: hit.durationMs,
            attempts: hit.attempts,
            cached: true,
            log: log || undefined,
            truncated: hit.truncated,
          }),
        );
        return;
      }
    }
    const logDir = join(reportDir, 'logs', safeFileName(cell.id));
    backend.prepare?.(cell, logDir);
    // only the attempts hold a job slot: storing the log and reporting the result happen after
    // the slot is free, so the next cell's program starts without waiting for them
    const ran = await limit(() => (stop.aborted ? undefined : attempts(cell, logDir)));
    if (ran === undefined) {
      notRun.push(cell.id);
      return;
    }
    const { verdicts, logs, truncated, durationMs } = ran;
    let { signature } = ran;
    const status = finalStatus(verdicts);
    if (status === 'pass' || status === 'skip') signature = undefined;
    const text = logs.join('');
    if (cache && key && isCachedStatus(status)) {
      const entry = {
        status,
        durationMs,
        attempts: verdicts.length,
        log: text,
        ...(signature !== undefined ? { signature } : {}),
        ...(truncated ? { truncated } : {}),
      };
      await writes.start(() =>
        cache.put(key, entry).catch((err: unknown) => {
          if (!warnedCache)
            opts.onWarning?.(
              `cannot write the result cache: ${err instanceof Error ? err.message : String(err)}`,
            );
          warnedCache = true;
        }),
      );
    }
    const log = await storeLog(cell, status, text);
    await emit(
      i,
      cellResult(cell, {
        status,
        signature,
        durationMs,
        attempts: verdicts.length,
        cached: false,
        log: log || undefined,
        truncated,
      }),
    );
  };

  const runnable: number[] = [];
  for (let i = 0; i < cells.length; i++) {
    if (cells[i]!.state === 'run') runnable.push(i);
    else await emit(i, plannedResult(cells[i]!));
  }
  // p-limit runs at most `jobs` cells at once; cells are handed to it a few at a time so that a
  // 100,000-cell run never holds a queued promise per cell
  const slots = Math.max(1, opts.jobs) + (backend.queueDepth ?? 0);
  const limit = pLimit(slots);
  // room for a cell queued behind every slot while as many finished cells are recorded
  const fed = new Bounded(3 * slots);
  try {
    for (const i of runnable) await fed.start(() => runOne(cells[i]!, i));
    await fed.drain();
    await writes.drain();
  } finally {
    try {
      pack.close();
    } catch (err) {
      fatal ??= InfraError.cannotWrite(join(reportDir, PACK_FILE), err);
    }
    clearTimeout(graceTimer);
    stop.removeEventListener('abort', onStop);
    opts.killSignal?.removeEventListener('abort', onForce);
  }
  if (fatal) throw fatal;
  const order = new Map(cells.map((c, i) => [c.id, i]));
  notRun.sort((a, b) => order.get(a)! - order.get(b)!);
  return {
    results: results.filter((r): r is CellResult => r !== undefined),
    interrupted: opts.signal?.aborted === true || opts.killSignal?.aborted === true,
    notRun,
  };
}
