/**
 * The command backend in git worktrees: each run gets a worktree checked out at the cell's
 * commit, as its cwd and in KMATRIX_WORKTREE. A worktree runs one cell at a time.
 */
import type { BackendConfig } from '../../matrix/plan-types.js';
import type { Cell } from '../../matrix/types.js';
import { CommandBackend, type CommandBackendOptions } from './command.js';
import type { Backend, Outcome, RunContext } from '../types.js';
import type { WorktreePool } from '../../history/worktrees.js';

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

  /** Closes its shells; the worktree pool is its owner's (a session shares one between backends). */
  async close(): Promise<void> {
    await Promise.all([this.base, ...this.perTree.values()].map((b) => b.close()));
  }
}
