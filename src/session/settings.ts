/**
 * The one rule for every command's run settings: flags, then the matrix, then the machine.
 * Pure: the caller passes the environment in (`HostEnv`), so the rule is tested as data.
 *
 * - jobs: --jobs, else the matrix's `jobs:`, else the number of cores (run, bisect and
 *   bisect-config alike; for bisect it is the number of commits tested per round).
 * - timeout: --timeout, else the command backend's `timeout:`, else the matrix's `timeout:`.
 * - cache: off with --no-cache; else $KMATRIX_CACHE_DIR, else .kmatrix/cache in the cwd.
 * - report folder: --report-dir, else reports/<label>-<UTC stamp> in the cwd (`reportDirBase`).
 */
import path from 'node:path';
import type { Plan } from '../matrix/plan-types.js';
import { safeFileName } from '../run/log-files.js';
import type { Shard } from '../run/shard.js';

/** The flags every command that runs cells shares (absent: not given). */
export interface SessionFlags {
  jobs?: number;
  timeout?: number;
  retries?: number;
  seed?: number;
  /** false with --no-cache. */
  cache?: boolean;
  reportDir?: string;
  logCap?: number;
  grace?: number;
  strict?: boolean;
}

/** What the settings depend on beyond the plan and the flags. */
export interface HostEnv {
  cwd: string;
  cores: number;
  vars: Readonly<Record<string, string | undefined>>;
}

/** A command's run settings after every default. */
export interface Settings {
  jobs: number;
  timeoutMs: number;
  retries: number;
  seed: number;
  /** Absent: --no-cache. */
  cacheDir?: string;
  /** Where git worktrees of this process are made (.kmatrix/worktrees). */
  worktreeRoot: string;
  /** After Ctrl-C, how long running cells may finish. */
  graceMs: number;
  /** Bytes of a command's output kept per attempt; absent: the backend's default. */
  logCap?: number;
  /** Flaky cells fail the gate too. */
  strict: boolean;
  /** Simulate on `jobs` worker threads instead of in-process (KMATRIX_SIM_THREADS=1). */
  simThreads: boolean;
}

export const DEFAULT_GRACE_MS = 10_000;

export function resolveSettings(
  plan: Pick<Plan, 'backend' | 'settings'>,
  flags: SessionFlags,
  env: HostEnv,
): Settings {
  const backendTimeout = plan.backend.kind === 'command' ? plan.backend.timeoutMs : undefined;
  const cacheDir = cacheDirOf(flags, env);
  return {
    jobs: Math.max(1, flags.jobs ?? plan.settings.jobs ?? env.cores),
    timeoutMs: flags.timeout ?? backendTimeout ?? plan.settings.timeoutMs,
    retries: flags.retries ?? plan.settings.retries,
    seed: flags.seed ?? plan.settings.seed,
    ...(cacheDir ? { cacheDir } : {}),
    worktreeRoot: path.join(env.cwd, '.kmatrix', 'worktrees'),
    graceMs: flags.grace ?? DEFAULT_GRACE_MS,
    ...(flags.logCap ? { logCap: flags.logCap } : {}),
    strict: flags.strict === true,
    simThreads: env.vars.KMATRIX_SIM_THREADS === '1',
  };
}

/** The result cache folder; undefined with --no-cache. */
export function cacheDirOf(flags: Pick<SessionFlags, 'cache'>, env: HostEnv): string | undefined {
  if (flags.cache === false) return undefined;
  const dir = env.vars.KMATRIX_CACHE_DIR;
  return dir ? path.resolve(env.cwd, dir) : path.join(env.cwd, '.kmatrix', 'cache');
}

/** What a report folder holds, which names it. */
export type ReportSubject =
  | { command: 'run'; matrix: string; shard?: Shard }
  | { command: 'bisect'; cell: string }
  | { command: 'bisect-config'; matrix: string };

/**
 * The default report folder: reports/<label>-<YYYYMMDD-HHMMSS>[-shard-i-of-n] (UTC) under the
 * cwd, where the label is the matrix name, bisect-<cell id> or bisect-config-<matrix>.
 * The session adds -2, -3... when a run in the same second has the folder already.
 */
export function reportDirBase(subject: ReportSubject, at: Date, cwd: string): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  const label =
    subject.command === 'run'
      ? subject.matrix
      : subject.command === 'bisect'
        ? `bisect-${subject.cell}`
        : `bisect-config-${subject.matrix}`;
  const shard =
    subject.command === 'run' && subject.shard
      ? `-shard-${subject.shard.index}-of-${subject.shard.count}`
      : '';
  return path.join(cwd, 'reports', `${safeFileName(label)}-${stamp}${shard}`);
}
