/**
 * A session: what one command that runs cells owns from start to end. The plan, its settings
 * (settings.ts), the result cache, Ctrl-C handling, the report folder and the backends. `run`,
 * `bisect`, `bisect-config` and `run --bisect` are clients of it (run.ts, bisect.ts,
 * bisect-config.ts); `close()` releases everything, whatever happened.
 *
 * Two backends, each made when first needed: the matrix backend runs a whole matrix
 * (engine.ts; the command backend queues cells in its spawner shells, one per job slot), the
 * probe backend what a bisection asks for (`runCells`; no queue, the caller counts its own
 * rounds). A command on a git history runs each cell in a git worktree checked out at the
 * cell's commit, from a pool private to this process.
 */
import path from 'node:path';
import { availableParallelism } from 'node:os';
import type { History } from '../history/types.js';
import type { WorktreePool } from '../history/worktrees.js';
import type { PlanOptions } from '../matrix/plan.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import { checkCommandProgram, createBackend, type BackendOptions } from '../run/backends/index.js';
import { RepeatBackend } from '../run/backends/repeat.js';
import { ResultCache } from '../run/cache.js';
import { runPool } from '../run/pool.js';
import { SignatureRuleBackend, type SignatureRule } from '../run/signature-rule.js';
import { handleSignals, type SignalHandling } from '../run/signals.js';
import type { CellResult } from '../report/schema.js';
import type { Backend } from '../run/types.js';
import { claimReportFolder, type ReportFolderClaim } from './report-folder.js';
import {
  cacheDirOf,
  reportDirBase,
  resolveSettings,
  type HostEnv,
  type ReportSubject,
  type SessionFlags,
  type Settings,
} from './settings.js';
import { escapeControl } from '../util/control.js';

export interface OpenOptions extends SessionFlags {
  /** Refuse matrices larger than this. */
  maxCells?: number;
  /** Overrides of the matrix's `sample:`; false: every cell (PlanOptions.sample). */
  sampling?: PlanOptions['sample'];
  /** Defaults to this process's cwd, cores and environment. */
  env?: HostEnv;
  /** How failures are named (`bisect --signature`); default the backend's own signatures. */
  signatureRule?: SignatureRule;
  /** Where warnings and the Ctrl-C messages go; default stderr. */
  stderr?: { write(text: string): unknown };
}

export interface RunCellsOptions {
  /** Repetition number of a cell (by id): its own run and cache entry (RepeatBackend). */
  reps?: ReadonlyMap<string, number>;
  /** Run against this history instead of the plan's (the revert check); not cached. */
  history?: History;
  /** Cells at once; default the settings' jobs. */
  jobs?: number;
  /** Logs go under this folder; default the session's report folder. */
  reportDir?: string;
}

export class Session {
  readonly cache: ResultCache | undefined;
  readonly signals: SignalHandling;
  private matrix?: Promise<Backend>;
  private probes?: Promise<Backend>;
  /** The git worktrees of this session's command backends, shared by the run and its bisections. */
  private worktrees?: WorktreePool;
  private folder?: ReportFolderClaim;

  constructor(
    readonly plan: Plan,
    readonly settings: Settings,
    private readonly flags: OpenOptions,
    private readonly env: HostEnv,
    readonly stderr: { write(text: string): unknown },
  ) {
    const limits = {
      ...(settings.logCap ? { logCap: settings.logCap } : {}),
      attempts: settings.retries + 1,
      onWarning: (m: string) => this.warn(m),
    };
    this.cache = settings.cacheDir ? new ResultCache(settings.cacheDir, limits) : undefined;
    this.signals = handleSignals(stderr);
  }

  warn(message: string): void {
    this.stderr.write(`kmatrix: warning: ${escapeControl(message)}\n`);
  }

  /**
   * The session's report folder: --report-dir, else the default for `subject`, made unique
   * (-2, -3...) when a run in the same second has it. The first call fixes and claims it
   * (report-folder.ts: locked for this process, cleared of an earlier run's files).
   */
  reportDir(subject?: ReportSubject, at = new Date()): string {
    if (this.folder) return this.folder.dir;
    if (this.flags.reportDir)
      return (this.folder = claimReportFolder(path.resolve(this.env.cwd, this.flags.reportDir))).dir;
    if (!subject) throw new Error('the report folder is used before a command named it');
    const base = reportDirBase(subject, at, this.env.cwd);
    for (let n = 1; ; n++) {
      try {
        return (this.folder = claimReportFolder(n === 1 ? base : `${base}-${n}`, true)).dir;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  private backendOptions(history: History | undefined): BackendOptions {
    const s = this.settings;
    return {
      baseDir: this.plan.dir,
      ...(history ? { history } : {}),
      seed: s.seed,
      ...(s.logCap ? { logCap: s.logCap } : {}),
      simThreads: s.simThreads,
    };
  }

  /**
   * A backend for the plan. A command on a git history runs each cell in a worktree of its
   * own pool checked out at the cell's commit (KMATRIX_WORKTREE); otherwise `queue` lets the
   * command backend queue cells in its spawner shells.
   */
  private async makeBackend(queue: boolean): Promise<Backend> {
    const backend = await this.planBackend(queue);
    const rule = this.flags.signatureRule;
    return rule && rule.kind !== 'report' ? new SignatureRuleBackend(backend, rule) : backend;
  }

  private async planBackend(queue: boolean): Promise<Backend> {
    const history = this.plan.history;
    const options = this.backendOptions(history);
    if (this.plan.backend.kind !== 'command' || history?.kind !== 'git')
      return createBackend(this.plan.backend, { ...options, ...(queue ? { jobs: this.settings.jobs } : {}) });
    const { WorktreePool } = await import('../history/worktrees.js');
    const size = this.settings.jobs;
    // one pool for the run and its bisections: a probe reuses a worktree the run checked out
    // (a checkout moves a few files; a new worktree of a kernel writes 90,000)
    this.worktrees ??= new WorktreePool(history.source, { root: this.settings.worktreeRoot, size });
    return createBackend(this.plan.backend, { ...options, worktrees: this.worktrees });
  }

  /** The backend that runs a whole matrix. */
  matrixBackend(): Promise<Backend> {
    this.matrix ??= this.makeBackend(true);
    return this.matrix;
  }

  /** The backend of bisection probes: no queue, the caller counts its own rounds. */
  private probeBackend(): Promise<Backend> {
    this.probes ??= this.makeBackend(false);
    return this.probes;
  }

  /**
   * Runs cells once each (no retries: a bisection counts runs itself) through the probe
   * backend, with the cache, and stops with the session's Ctrl-C. Results in cell order;
   * cells an interruption kept from running are left out.
   */
  async runCells(cells: readonly Cell[], o: RunCellsOptions = {}): Promise<CellResult[]> {
    const own = o.history
      ? await createBackend(this.plan.backend, this.backendOptions(o.history))
      : undefined;
    const inner = own ?? (await this.probeBackend());
    const backend = o.reps ? new RepeatBackend(inner) : inner;
    for (const [id, rep] of o.reps ?? []) (backend as RepeatBackend).register(id, rep);
    try {
      const run = await runPool(cells, {
        backend,
        ...(this.cache && !o.history ? { cache: this.cache } : {}),
        jobs: o.jobs ?? this.settings.jobs,
        timeoutMs: this.settings.timeoutMs,
        retries: 0,
        reportDir: o.reportDir ?? this.reportDir(),
        graceMs: this.settings.graceMs,
        signal: this.signals.stop,
        killSignal: this.signals.kill,
        onWarning: (m) => this.warn(m),
      });
      return run.results;
    } finally {
      await own?.close?.();
    }
  }

  /** Closes the backends (spawner shells, worker threads, worktrees) and stops handling Ctrl-C. */
  async close(): Promise<void> {
    const made = await Promise.allSettled([this.matrix, this.probes].filter((b) => b !== undefined));
    this.matrix = this.probes = undefined;
    try {
      for (const r of made) if (r.status === 'fulfilled') await r.value.close?.();
      // after the backends that lease its worktrees
      await this.worktrees?.close();
    } finally {
      this.signals.dispose();
      this.folder?.release();
    }
  }
}

/** Loads the matrix (with remembered history parses when the cache is on) and opens a session on it. */
export async function openSession(file: string, options: OpenOptions = {}): Promise<Session> {
  const env = options.env ?? { cwd: process.cwd(), cores: availableParallelism(), vars: process.env };
  const { loadPlan } = await import('../matrix/plan.js');
  const memoDir = cacheDirOf(options, env);
  const stderr = options.stderr ?? process.stderr;
  const warn = (m: string) => stderr.write(`kmatrix: warning: ${m}\n`);
  const yamlMemo = memoDir
    ? new (await import('../run/yaml-memo.js')).FileYamlMemo(memoDir, warn)
    : undefined;
  const plan = await loadPlan(file, {
    ...(options.maxCells ? { maxCells: options.maxCells } : {}),
    ...(options.sampling !== undefined ? { sample: options.sampling } : {}),
    ...(yamlMemo ? { yamlMemo } : {}),
  });
  checkCommandProgram(plan, env.cwd);
  return new Session(plan, resolveSettings(plan, options, env), options, env, stderr);
}
