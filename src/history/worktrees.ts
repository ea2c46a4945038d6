/**
 * A pool of git worktrees, one per worker, under <root>/<n> (by default .kmatrix/worktrees):
 * each lease checks its worktree out (detached) at the commit the worker tests, so parallel
 * bisection builds and tests real code side by side. Worktrees are reused across rounds (a
 * build tree stays warm) and removed by `close()`.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs } from '../util/make-dirs.js';
import { git } from './git.js';

export interface WorktreeLease {
  /** Absolute path of the checked-out worktree. */
  readonly path: string;
  readonly commit: string;
  release(): void;
}

export interface WorktreePoolOptions {
  /** Folder holding the worktrees. */
  root: string;
  size: number;
  /** Run `git clean -ffdx` after each checkout (fresh tree, but no warm build). Default false. */
  clean?: boolean;
}

interface Slot {
  path: string;
  commit?: string;
  busy: boolean;
  created: boolean;
}

export class WorktreePool {
  private readonly slots: Slot[];
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(readonly repo: string, private readonly options: WorktreePoolOptions) {
    const size = Math.max(1, Math.floor(options.size));
    this.slots = Array.from({ length: size }, (_, i) => ({ path: path.resolve(options.root, String(i)), busy: false, created: false }));
  }

  /** A worktree checked out at `commit`; waits while every worktree is leased. */
  async acquire(commit: string): Promise<WorktreeLease> {
    for (;;) {
      if (this.closed) throw new Error('worktree pool is closed');
      const free = this.slots.filter((s) => !s.busy);
      const slot = free.find((s) => s.commit === commit) ?? free.find((s) => !s.created) ?? free[0];
      if (slot) {
        slot.busy = true;
        try {
          await this.checkout(slot, commit);
        } catch (err) {
          slot.busy = false;
          slot.commit = undefined;
          this.wake();
          throw err;
        }
        let released = false;
        return {
          path: slot.path,
          commit,
          release: () => {
            if (released) return;
            released = true;
            slot.busy = false;
            this.wake();
          },
        };
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  /** Paths of the worktrees created so far. */
  paths(): string[] {
    return this.slots.filter((s) => s.created).map((s) => s.path);
  }

  /** Remove every worktree this pool created, and git's records of them. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    // `git worktree remove` of each tree at once; prune then drops whatever git still records
    await Promise.all(
      this.slots
        .filter((slot) => slot.created)
        .map(async (slot) => {
          await git(this.repo, ['worktree', 'remove', '--force', slot.path], { reject: false }).catch(() => undefined);
          await rm(slot.path, { recursive: true, force: true });
          slot.created = false;
        }),
    );
    await git(this.repo, ['worktree', 'prune'], { reject: false }).catch(() => undefined);
  }

  private wake(): void {
    this.waiting.shift()?.();
  }

  private async checkout(slot: Slot, commit: string): Promise<void> {
    if (slot.created && slot.commit === commit) return;
    if (!slot.created) {
      // a worktree left by a killed run: reuse it when git still knows it, else start afresh
      if (await isWorktree(slot.path)) {
        slot.created = true;
      } else {
        if (await exists(slot.path)) {
          await rm(slot.path, { recursive: true, force: true });
          await git(this.repo, ['worktree', 'prune']);
        }
        makeDirs(path.dirname(slot.path));
        await git(this.repo, ['worktree', 'add', '--detach', '--force', slot.path, commit]);
        slot.created = true;
        slot.commit = commit;
        return;
      }
    }
    await git(slot.path, ['checkout', '--detach', '--force', '--quiet', commit]);
    if (this.options.clean) await git(slot.path, ['clean', '-ffdxq']);
    slot.commit = commit;
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function isWorktree(dir: string): Promise<boolean> {
  try {
    await stat(path.join(dir, '.git'));
  } catch {
    return false;
  }
  const r = await git(dir, ['rev-parse', '--is-inside-work-tree'], { reject: false }).catch(() => ({ stdout: '', exitCode: 1 }));
  return r.exitCode === 0 && r.stdout.trim() === 'true';
}
