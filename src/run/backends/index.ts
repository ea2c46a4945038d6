/**
 * The one place a backend is built from a matrix's `backend:` config: the simulator, the
 * command backend, or the command backend in git worktrees (one checked out per running cell,
 * at the cell's commit). Backends are imported when chosen: the simulator's modules cost a
 * command run tens of ms of start-up for nothing, and a simulator run needs no spawner.
 */
import type { History } from '../../history/types.js';
import type { WorktreePool } from '../../history/worktrees.js';
import { relative } from 'node:path';
import { UserError } from '../../errors.js';
import type { BackendConfig, Plan } from '../../matrix/plan-types.js';
import type { Backend } from '../types.js';
import { notExecutable } from './exec-failure.js';

export interface BackendOptions {
  /** Folder of the matrix file: relative command paths, cwd and inputs resolve against it. */
  baseDir: string;
  /** The commits cells name (the simulator reads each commit's switches from it). */
  history?: History;
  /** Seed of the simulator's injected flakes. */
  seed: number;
  /**
   * Job slots. The command backend keeps that many spawner shells and queues as many cells
   * again; absent, it runs what it is handed (a caller that counts its own runs, like bisect).
   * The simulator uses it as its thread count when `simThreads` is set.
   */
  jobs?: number;
  /** Bytes of a command's output kept per attempt (--log-cap). */
  logCap?: number;
  /**
   * Simulate on `jobs` worker threads, a message per batch and a promise per cell. Off by
   * default: `jobs` > 1 simulates ahead on jobs - 1 threads instead (sim-prefetch.ts).
   */
  simThreads?: boolean;
  /** Run each command cell in a worktree of this pool checked out at the cell's commit. */
  worktrees?: WorktreePool;
}

export async function createBackend(config: BackendConfig, o: BackendOptions): Promise<Backend> {
  if (config.kind === 'sim') {
    const { SimBackend } = await import('./sim.js');
    const workers = o.simThreads ? (o.jobs ?? 1) : 0;
    // with more than one job, jobs - 1 threads simulate while the main thread records results
    const prefetch = Math.max(0, (o.jobs ?? 1) - 1);
    return new SimBackend({ ...(o.history ? { history: o.history } : {}), seed: o.seed, workers, prefetch });
  }
  const options = {
    baseDir: o.baseDir,
    ...(o.logCap ? { outputCap: o.logCap } : {}),
    ...(o.jobs ? { jobs: o.jobs } : {}),
  };
  if (o.worktrees) {
    const { WorktreeCommandBackend } = await import('./worktree.js');
    return new WorktreeCommandBackend(config, options, o.worktrees);
  }
  const { CommandBackend } = await import('./command.js');
  return new CommandBackend(config, options);
}

/** A command program that is there but not executable: a usage error (exit 2) before any cell runs. */
export function checkCommandProgram(plan: Plan, cwd = process.cwd()): void {
  if (plan.backend.kind !== 'command') return;
  const program = plan.backend.command[0] ?? '';
  const file = notExecutable(program, plan.dir);
  if (file === undefined) return;
  const rel = relative(cwd, file) || file;
  const shown = rel.includes('/') ? rel : `./${rel}`;
  throw new UserError(`${plan.file}: backend.command: ${program} is not executable (chmod +x ${shown})`);
}
