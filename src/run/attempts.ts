/**
 * One cell's attempts on a backend: the per-attempt timeout (counted from when the program
 * starts, for a queueing backend after its wait), the kill signal, a backend that does not
 * return after its abort, and retries. Used by the pool (pool.ts) for every cell it runs.
 */
import type { Cell } from '../matrix/types.js';
import { NotStarted, type Backend, type Outcome } from './types.js';

/** What an attempt returns when the run was interrupted before it ended. */
export const INTERRUPTED = Symbol('interrupted');

export interface AttemptSettings {
  timeoutMs: number;
  /** Extra time a backend gets to return after its cell's signal aborts. */
  settleMs: number;
  /** Extra attempts of a failing cell. */
  retries: number;
  /** Aborted: nothing more starts (a cell's remaining retries neither). */
  stop: AbortSignal;
  /** Aborted: running attempts are killed. */
  kill: AbortSignal;
}

/** A cell's attempts, their logs joined later; the duration is the sum of the attempts' programs' times. */
export interface Attempts {
  verdicts: Outcome['verdict'][];
  logs: string[];
  signature: string | undefined;
  truncated: boolean;
  durationMs: number;
}

/** `onStart` hears when the attempt's program starts (for a queueing backend, after its wait). */
export async function runAttempt(
  backend: Backend,
  cell: Cell,
  n: number,
  logDir: string,
  onStart: () => void,
  s: AttemptSettings,
): Promise<Outcome | typeof INTERRUPTED> {
  if (s.kill.aborted) return INTERRUPTED;
  const now = backend.feed?.runSync?.(cell, n);
  if (now) return now;
  // own timer rather than AbortSignal.timeout/any: cleared at once, so 100,000 cells leave no timers behind
  const ac = new AbortController();
  let timedOut = false;
  let settled = false;
  let exited = false;
  /** When the program started, Date.now() scale. */
  let startAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  // checked after the next read of I/O (setImmediate runs after the poll phase): a kmatrix paused
  // past the timeout first hears the ends of programs that finished in time meanwhile
  const arm = (ms: number) => (timer = setTimeout(() => setImmediate(expire), Math.max(0, ms)));
  let hasExited: (() => boolean) | undefined;
  const expire = () => {
    if (settled || exited) return;
    // the program's own time decides: a timer may only fire late (a paused kmatrix), never early
    const left = s.timeoutMs - (Date.now() - startAt!);
    if (left > 0) return void arm(left);
    // its end is on its way to the backend: it gets the settle time to arrive (asked once)
    if (hasExited?.()) return void ((hasExited = undefined), arm(s.settleMs));
    timedOut = true;
    ac.abort(new DOMException(`cell timed out after ${s.timeoutMs} ms`, 'TimeoutError'));
  };
  const started = (atMs?: number, exitProbe?: () => boolean) => {
    onStart();
    hasExited = exitProbe ?? hasExited;
    const now = Date.now();
    const at = atMs !== undefined && atMs < now ? atMs : now;
    // a backend that tells when its program really started moves the start there (the timer re-arms)
    if (startAt !== undefined) return void (atMs !== undefined && (startAt = at));
    startAt = at;
    arm(s.timeoutMs - (now - at));
  };
  const onExit = () => {
    exited = true;
    clearTimeout(timer);
  };
  if (!backend.feed?.queueDepth) started();
  const onKill = () => ac.abort(s.kill.reason);
  if (s.kill.aborted) onKill();
  else s.kill.addEventListener('abort', onKill, { once: true });
  let giveUp: NodeJS.Timeout | undefined;
  const abandoned = new Promise<Outcome>((res) => {
    const onAbort = () => {
      const log = '[kmatrix] backend did not stop after its cell was aborted\n';
      giveUp = setTimeout(() => res({ verdict: 'timeout', log }), s.settleMs);
    };
    if (ac.signal.aborted) onAbort();
    else ac.signal.addEventListener('abort', onAbort, { once: true });
  });
  let outcome: Outcome | typeof INTERRUPTED;
  try {
    const ran = backend
      .run(cell, { signal: ac.signal, attempt: n, logDir, started, exited: onExit })
      .catch((err: unknown) => (err instanceof NotStarted ? INTERRUPTED : backendError(backend, err)))
      .finally(() => (settled = true));
    outcome = await Promise.race([ran, abandoned]);
  } finally {
    clearTimeout(timer);
    clearTimeout(giveUp);
    s.kill.removeEventListener('abort', onKill);
  }
  if (outcome === INTERRUPTED || (s.kill.aborted && !timedOut)) return INTERRUPTED;
  if (timedOut && outcome.verdict !== 'timeout') {
    // the backend finished as the clock ran out, or reported the kill as something else
    outcome = { ...outcome, verdict: 'timeout', signature: outcome.signature ?? 'timeout' };
  }
  return outcome;
}

function backendError(backend: Backend, err: unknown): Outcome {
  return {
    verdict: 'error',
    signature: `backend ${backend.name} failed: ${err instanceof Error ? err.message : String(err)}`,
    log: `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  };
}

/** Runs a cell's attempts (retries included); undefined when the run was interrupted. */
export async function runAttempts(
  backend: Backend,
  cell: Cell,
  logDir: string,
  s: AttemptSettings,
): Promise<Attempts | undefined> {
  // each attempt counts from its program's start; the backend's own clock of it wins (Outcome.elapsedMs)
  let started: number | undefined;
  let durationMs = 0;
  const onStart = () => {
    started ??= performance.now();
  };
  const verdicts: Outcome['verdict'][] = [];
  const logs: string[] = [];
  let signature: string | undefined;
  let truncated = false;
  for (let n = 0; n <= s.retries; n++) {
    started = undefined;
    const out = await runAttempt(backend, cell, n, logDir, onStart, s);
    if (out === INTERRUPTED) return undefined;
    durationMs += out.elapsedMs ?? (started === undefined ? 0 : performance.now() - started);
    verdicts.push(out.verdict);
    logs.push(s.retries > 0 ? `=== kmatrix: attempt ${n + 1} (${out.verdict}) ===\n${out.log}` : out.log);
    truncated ||= out.truncated === true;
    if (out.verdict !== 'pass') signature = out.signature ?? signature;
    if (out.verdict === 'pass' || out.verdict === 'skip' || s.stop.aborted) break;
  }
  return {
    verdicts,
    logs,
    signature,
    truncated,
    durationMs: Math.round(durationMs),
  };
}
