/**
 * How a pool run stops. `stop` (the caller's signal, or a fatal error): nothing new starts, nor
 * what a queueing backend holds, and running cells get the grace period; `kill` (the caller's
 * kill signal, the end of the grace, or a fatal error): running cells are aborted at once.
 */
import { setMaxListeners } from 'node:events';
import type { Backend } from './types.js';

export class Cancellation {
  readonly stop: AbortSignal;
  private readonly halt = new AbortController();
  private readonly killer = new AbortController();
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly onForce = () => {
    this.backend.feed?.cancelQueued?.();
    this.killer.abort(new DOMException('killed', 'AbortError'));
  };
  private readonly onStop = () => {
    this.backend.feed?.cancelQueued?.();
    this.graceTimer = setTimeout(this.onForce, this.o.graceMs);
  };

  constructor(
    private readonly backend: Backend,
    private readonly o: { signal?: AbortSignal; killSignal?: AbortSignal; graceMs: number },
  ) {
    this.stop = o.signal ? AbortSignal.any([o.signal, this.halt.signal]) : this.halt.signal;
    // every running cell listens to the kill signal: thousands of listeners are expected
    setMaxListeners(0, this.killer.signal);
    if (o.killSignal?.aborted) this.onForce();
    o.killSignal?.addEventListener('abort', this.onForce, { once: true });
    if (this.stop.aborted) this.onStop();
    else this.stop.addEventListener('abort', this.onStop, { once: true });
  }

  get kill(): AbortSignal {
    return this.killer.signal;
  }

  /** A fatal error: stop scheduling and kill what runs. */
  fail(reason: Error): void {
    this.halt.abort(reason);
    this.onForce();
  }

  /** Whether the caller interrupted the run (a fatal error is not an interruption). */
  get interrupted(): boolean {
    return this.o.signal?.aborted === true || this.o.killSignal?.aborted === true;
  }

  dispose(): void {
    clearTimeout(this.graceTimer);
    this.stop.removeEventListener('abort', this.onStop);
    this.o.killSignal?.removeEventListener('abort', this.onForce);
  }
}
