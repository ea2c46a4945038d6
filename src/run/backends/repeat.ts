/**
 * Repetitions of one cell as runs of their own (bisect's --repeat, for flaky failures):
 * repetition r runs as attempt r, so seeded flakes differ between repetitions, and gets its
 * own cache entry; repetition 0 shares the entry of a plain `kmatrix run` of the same cell.
 */
import type { Cell } from '../../matrix/types.js';
import type { Backend, Outcome, RunContext } from '../types.js';

export class RepeatBackend implements Backend {
  readonly name: string;
  private readonly reps = new Map<string, number>();

  constructor(private readonly inner: Backend) {
    this.name = inner.name;
  }

  /** Declare the repetition number of a probe cell before the pool runs it. */
  register(cellId: string, rep: number): void {
    this.reps.set(cellId, rep);
  }

  fingerprint(): string {
    return this.inner.fingerprint();
  }

  cellFingerprint(cell: Cell): string {
    const base = this.inner.cellFingerprint?.(cell) ?? '';
    const rep = this.reps.get(cell.id) ?? 0;
    return rep ? `${base}#repeat=${rep}` : base;
  }

  run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    return this.inner.run(cell, { ...ctx, attempt: ctx.attempt + (this.reps.get(cell.id) ?? 0) });
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
