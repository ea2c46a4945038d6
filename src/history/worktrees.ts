/**
 * A pool of git worktrees, one per worker, under <root>/<n> (by default .kmatrix/worktrees):
 * each lease checks its worktree out (detached) at the commit the worker tests, so parallel
 * runs and bisections build and test real code side by side. Worktrees are reused across
 * rounds (a build tree stays warm) and removed by `close()`.
 *
 * A worktree belongs to one process: <root>/<n>.lock (made with O_EXCL, holding the pid) claims
 * folder n before it is used, so two kmatrix processes in one folder never share a worktree;
 * the lock of a process that died (kill -9) is taken over, with its worktree.
 *
 * `prepare(commits)` starts creating the worktrees at the commits the first round will test
 * before anyone asks for them, so that git's work overlaps the caller's start-up (loading the
 * matrix) instead of delaying the first tests.
 */
import { realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { makeDirs } from '../util/make-dirs.js';
import { releasePidLock, takePidLock } from '../util/pid-lock.js';
import { git } from './git.js';
import { GitShell } from './git-shell.js';

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
  /** Claimed (locked) on first use; the folder's number is the first free one. */
  path?: string;
  /** The commit checked out, or being checked out by `prepare`. */
  commit?: string;
  busy: boolean;
  created: boolean;
  /** A `prepare` under way; it never rejects (a failed one leaves the slot to be made on acquire). */
  preparing?: Promise<void>;
}

export class WorktreePool {
  private readonly slots: Slot[];
  private readonly waiting: Array<() => void> = [];
  private closed = false;

  constructor(
    readonly repo: string,
    private readonly options: WorktreePoolOptions,
  ) {
    const size = Math.max(1, Math.floor(options.size));
    this.slots = Array.from({ length: size }, () => ({ busy: false, created: false }));
  }

  /** A worktree checked out at `commit`; waits while every worktree is leased. */
  async acquire(commit: string): Promise<WorktreeLease> {
    for (;;) {
      if (this.closed) throw new Error('worktree pool is closed');
      const free = this.slots.filter((s) => !s.busy);
      const slot =
        free.find((s) => s.commit === commit) ?? free.find((s) => !s.created && !s.preparing) ?? free[0];
      if (slot) {
        slot.busy = true;
        try {
          await slot.preparing;
          await this.checkout(slot, commit);
        } catch (err) {
          slot.busy = false;
          slot.commit = undefined;
          this.wake();
          throw err;
        }
        let released = false;
        return {
          path: slot.path!,
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

  /**
   * Start checking out free worktrees at `commits` (one each, in order; commits that have a
   * worktree already are skipped), without waiting: a later `acquire` of one of these commits
   * gets its worktree as soon as it is ready. Failures are left for `acquire` to meet again and
   * report.
   */
  prepare(commits: readonly string[]): void {
    const idle = this.slots.filter((s) => !s.busy && !s.preparing);
    // a commit some worktree is at, or is being prepared for, already has its worktree
    const wanted = [...new Set(commits)].filter((c) => !this.slots.some((s) => s.commit === c));
    wanted.slice(0, idle.length).forEach((commit, i) => {
      const slot = idle[i]!;
      if (slot.created && slot.commit === commit) return;
      // the slot stays free: an acquire of `commit` finds it by its commit and waits for it
      const preparing = this.checkout(slot, commit).then(
        () => undefined,
        () => {
          slot.commit = undefined;
        },
      );
      slot.commit = commit;
      slot.preparing = preparing.finally(() => {
        slot.preparing = undefined;
      });
    });
  }

  /** Paths of the worktrees created so far. */
  paths(): string[] {
    return this.slots.filter((s) => s.created).map((s) => s.path!);
  }

  /**
   * Remove every worktree this pool created, and git's records of them: the folders go with
   * one recursive delete each (at once), then a single `git worktree prune` drops the records
   * whose folder is gone. Same end state as a `git worktree remove --force` per tree, for one
   * git process instead of k + 1.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiting.splice(0)) w();
    // a worktree still being made would otherwise land after its folder was removed
    await Promise.all(this.slots.map((slot) => slot.preparing));
    const created = this.slots.filter((slot) => slot.created);
    await Promise.all(
      created.map(async (slot) => {
        await rm(slot.path!, { recursive: true, force: true, maxRetries: 2 });
        slot.created = false;
      }),
    );
    if (created.length && (await this.shell.run(this.repo, ['worktree', 'prune'])) === undefined)
      await git(this.repo, ['worktree', 'prune'], { reject: false }).catch(() => undefined);
    this.shell.close();
    for (const slot of this.slots) if (slot.path) releasePidLock(`${slot.path}.lock`);
  }

  private common?: Promise<string | undefined>;

  /** This repository's common git folder (real path), asked once. */
  private commonDir(): Promise<string | undefined> {
    this.common ??= commonDirOf(this.repo, false);
    return this.common;
  }

  private wake(): void {
    this.waiting.shift()?.();
  }

  private claimed = new Set<number>();

  /** Claims the first worktree folder no live process holds (see the header). */
  private claim(slot: Slot): string {
    for (let n = 0; ; n++) {
      if (this.claimed.has(n)) continue;
      const dir = path.resolve(this.options.root, String(n));
      makeDirs(path.dirname(dir));
      if (takePidLock(`${dir}.lock`, { reentrant: false }).taken) {
        this.claimed.add(n);
        return (slot.path = dir);
      }
    }
  }

  private async checkout(slot: Slot, commit: string): Promise<void> {
    if (slot.created && slot.commit === commit) return;
    slot.path ??= this.claim(slot);
    if (!slot.created) {
      // a worktree left by a killed run: reuse it when it is one of this repository's (the same
      // folder may have served a bisection of another repository), else start afresh
      const leftover = await worktreeCommonDir(slot.path!);
      if (leftover !== undefined && leftover === (await this.commonDir())) {
        slot.created = true;
      } else {
        if (await exists(slot.path!)) {
          await rm(slot.path!, { recursive: true, force: true });
          await git(this.repo, ['worktree', 'prune']);
        }
        await this.quickGit(this.repo, ['worktree', 'add', '--detach', '--force', slot.path!, commit]);
        slot.created = true;
        slot.commit = commit;
        return;
      }
    }
    await this.quickGit(slot.path!, ['checkout', '--detach', '--force', '--quiet', commit]);
    if (this.options.clean) await this.quickGit(slot.path!, ['clean', '-ffdxq']);
    slot.commit = commit;
  }

  private readonly shell = new GitShell();

  /**
   * A git command through the shell (see git-shell.ts); when that fails it runs again through
   * git(), which says why (a worktree add that failed half-way fails again, as it exists).
   */
  private async quickGit(dir: string, args: readonly string[]): Promise<void> {
    if ((await this.shell.run(dir, args)) !== 0) await git(dir, args);
  }
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/**
 * The repository (its common git folder, real path) a
 * worktree at `dir` belongs to; undefined when `dir` is none.
 */
async function worktreeCommonDir(dir: string): Promise<string | undefined> {
  try {
    await stat(path.join(dir, '.git'));
  } catch {
    return undefined;
  }
  return commonDirOf(dir, true);
}

async function commonDirOf(dir: string, mustBeTop: boolean): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--show-toplevel', '--git-common-dir'], { reject: false }).catch(
    () => ({ stdout: '', exitCode: 1 }),
  );
  const [top, common] = r.stdout.split('\n').map((l) => l.trim());
  if (r.exitCode !== 0 || !top || !common) return undefined;
  // a folder inside some other checkout (no .git of its own that works) is not a worktree of ours
  if (mustBeTop && (await realpath(top).catch(() => top)) !== (await realpath(dir).catch(() => dir)))
    return undefined;
  const abs = path.resolve(dir, common);
  return realpath(abs).catch(() => abs);
}
