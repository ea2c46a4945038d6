/**
 * Tasks started with at most `max` unfinished at once: `start` waits for room, then starts
 * the task without waiting for it; `drain` waits for every task started. The pool uses it to
 * hand cells to p-limit a few at a time (no queued promise per cell of a 100,000-cell run) and
 * to write logs and cache entries in the background. Tasks must not reject.
 */
export class Bounded {
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly max: number) {}

  async start(task: () => Promise<unknown>): Promise<void> {
    while (this.running.size >= this.max) await Promise.race(this.running);
    const p: Promise<unknown> = task().finally(() => this.running.delete(p));
    this.running.add(p);
  }

  async drain(): Promise<void> {
    while (this.running.size) await Promise.all(this.running);
  }
}
