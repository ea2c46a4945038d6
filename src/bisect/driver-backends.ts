/**
 * Backend wrappers the bisection driver runs its probes through.
 *
 * - RepeatBackend: repetition r of a commit runs as attempt r (so seeded flakes differ between
 *   repetitions) and gets its own cache entry; repetition 0 shares the entry of a plain
 *   `kmatrix run` of the same cell.
 * - WorktreeCommandBackend: each run of the command backend gets a git worktree checked out
 *   at the cell's commit, as its cwd and in KMATRIX_WORKTREE.
 */
import type { BackendConfig } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import { CommandBackend, type CommandBackendOptions } from '../run/backends/command.js';
import type { Backend, Outcome, RunContext } from '../run/types.js';
import type { WorktreePool } from '../history/worktrees.js';

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

type CommandConfig = Extract<BackendConfig, { kind: 'command' }>;

export class WorktreeCommandBackend implements Backend {
  readonly name = 'command';
  private readonly base: CommandBackend;
  /** One backend per worktree: constructing one hashes the program and its inputs (the cache fingerprint). */
  private readonly perTree = new Map<string, CommandBackend>();

  constructor(
    private readonly config: CommandConfig,
    private readonly options: CommandBackendOptions,
    private readonly worktrees: WorktreePool,
  ) {
    this.base = new CommandBackend(config, options);
  }

  /** The commit is part of the cell, so the worktree path stays out of the cache key. */
  fingerprint(): string {
    return this.base.fingerprint();
  }

  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    const lease = await this.worktrees.acquire(cell.commit);
    try {
      let inner = this.perTree.get(lease.path);
      if (!inner) {
        // a worktree runs one cell at a time: one spawner shell, taking cells on its stdin
        inner = new CommandBackend(
          { ...this.config, cwd: lease.path, env: { ...this.config.env, KMATRIX_WORKTREE: lease.path } },
          { ...this.options, jobs: 1 },
        );
        this.perTree.set(lease.path, inner);
      }
      return await inner.run(cell, ctx);
    } finally {
      lease.release();
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.base, ...this.perTree.values()].map((b) => b.close()));
    await this.worktrees.close();
  }
}
