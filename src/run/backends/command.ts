/**
 * The command backend: runs any program once per cell, like `git bisect run`.
 *
 * The cell reaches the program only through environment variables, so hostile axis values are
 * inert. The program runs in its own process group so that a timeout or an interruption kills
 * the whole tree (SIGTERM, then SIGKILL after a grace), and a grandchild holding stdout open
 * cannot keep us waiting after the program exits.
 *
 * Programs start through spawner shells (spawner.ts): Node's own spawn blocks kmatrix's main
 * thread for every fork, which made 2,000 cells of `true` 4x slower than xargs. Where a shell
 * cannot carry the cell (no bash, KMATRIX_SPAWNER=0, a NUL byte in a value, a program that is
 * not there) a plain child_process.spawn does the same job and reports what went wrong.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { BackendConfig } from '../../matrix/plan-types.js';
import type { Cell } from '../../matrix/types.js';
import { extractSignature } from '../../sim/signature.js';
import { signatureOf } from '../signature-rule.js';
import { canonicalJson } from '../cache.js';
import { CappedLog, DEFAULT_OUTPUT_CAP } from '../capped-log.js';
import { NotStarted, type Backend, type BackendFeed, type Outcome, type RunContext } from '../types.js';
import { GroupKiller, killGroup } from './group-kill.js';
import { cellEnv, ownVars, sharedWords } from './cell-env.js';
import { execFailure } from './exec-failure.js';
import { hasExited, processStart } from './proc-stat.js';
import { LogFolders } from './log-folders.js';
import { CellScript, exportWords, type ProgramExit } from './spawner-protocol.js';
import { Spawners } from './spawner.js';

type CommandConfig = Extract<BackendConfig, { kind: 'command' }>;
/** A cell's program has started (at `atMs` by its own clock, when known). */
type Started = NonNullable<RunContext['started']>;

export interface CommandBackendOptions {
  /** Folder of the matrix file: relative command paths, cwd and inputs resolve against it. */
  baseDir: string;
  /** Bytes of output kept per attempt (head and tail); default 10 MiB. */
  outputCap?: number;
  /** Time between SIGTERM and SIGKILL of the process group; default 2 s. */
  killGraceMs?: number;
  /** How long to wait for output after the program exits before killing what holds its pipes. */
  drainMs?: number;
  /**
   * Programs run at once (--jobs). Given, the backend queues as many cells again and starts
   * each the moment a program ends (BackendFeed.queueDepth); absent, it runs what it is given.
   */
  jobs?: number;
}

/** Map a `git bisect run`-style exit status to a verdict. */
export function verdictOfExit(code: number | null, signal: string | null): Outcome['verdict'] {
  if (signal || code === null) return 'error';
  if (code === 0) return 'pass';
  if (code === 125) return 'skip';
  if (code >= 1 && code <= 127) return 'fail';
  return 'error';
}

function hashFile(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}

export class CommandBackend implements Backend {
  readonly name = 'command';
  readonly feed: BackendFeed;
  private readonly file: string;
  /** The program as the matrix names it: signatures must not depend on where the checkout is. */
  private readonly shown: string;
  private readonly args: string[];
  private readonly cwd: string;
  private readonly fp: string;
  private readonly cap: number;
  private readonly killGraceMs: number;
  private readonly drainMs: number;
  private readonly spawners: Spawners | undefined;
  private readonly script: CellScript;
  /** The cells' KMATRIX_LOG_DIR folders. */
  private readonly folders = new LogFolders();

  constructor(
    private readonly config: CommandConfig,
    options: CommandBackendOptions,
  ) {
    const [first, ...args] = config.command;
    if (first === undefined) throw new Error('command backend needs a non-empty command');
    // `./boot.sh` and `scripts/x` are files next to the matrix; a bare `bash` is looked up in PATH
    this.file = first.includes('/') && !isAbsolute(first) ? resolve(options.baseDir, first) : first;
    this.shown = first;
    this.args = args;
    this.cwd = resolve(options.baseDir, config.cwd ?? '.');
    this.cap = options.outputCap ?? DEFAULT_OUTPUT_CAP;
    this.killGraceMs = options.killGraceMs ?? 2000;
    this.drainMs = options.drainMs ?? 200;
    const isFile = this.file.includes('/') && existsSync(this.file) && statSync(this.file).isFile();
    // paths relative to the matrix folder, so a cache restored into another checkout still hits
    const rel = (p: string) => (isAbsolute(p) ? relative(options.baseDir, p) : p);
    this.fp = canonicalJson({
      backend: 'command',
      argv: [this.file.includes('/') ? rel(this.file) : this.file, ...this.args],
      cwd: rel(this.cwd),
      program: isFile ? hashFile(this.file) : null,
      env: config.env,
      inputs: config.inputs.map((p) => [
        rel(resolve(options.baseDir, p)),
        hashFile(resolve(options.baseDir, p)),
      ]),
    });
    this.spawners = Spawners.for(
      [this.file, ...this.args],
      this.cwd,
      { ...process.env, ...config.env },
      options.jobs,
    );
    this.feed = {
      queueDepth: this.spawners && options.jobs ? options.jobs : 0,
      cancelQueued: () => this.cancelQueued(),
    };
    this.script = new CellScript(this.cwd, [this.file, ...this.args]);
  }

  fingerprint(): string {
    return this.fp;
  }

  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    // the program's start, not the cell's: time queued for a shell or a folder is not the program's
    let started: number | undefined;
    const onStart: Started = (atMs, exited) => {
      started ??= performance.now();
      ctx.started?.(atMs, exited);
    };
    const log = new CappedLog(this.cap);
    this.folders.make(ctx.logDir);
    const killer = new GroupKiller(ctx.signal, this.killGraceMs);
    let end: ProgramExit;
    try {
      const words = this.spawners && this.exportsOf(cell, ctx);
      const queued =
        words !== undefined ? await this.viaSpawner(words, log, killer, onStart, ctx) : undefined;
      if (queued === undefined || queued.fallBack) {
        end = await this.viaSpawn(cellEnv(cell, ctx.logDir, ctx.attempt), log, killer, ctx, onStart);
      } else end = queued;
    } catch (err) {
      // e.g. a NUL byte in a value or E2BIG: the OS cannot take it as argv/env
      const errno = (err as NodeJS.ErrnoException).code;
      const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
      const signature = `cannot run ${this.shown}: ${errno === 'E2BIG' ? 'argument list too long' : message}`;
      return { verdict: 'error', signature, log: `[kmatrix] ${signature}\n` };
    } finally {
      killer.dispose();
      this.folders.removeIfEmpty(ctx.logDir);
    }
    if (end.notStarted) throw new NotStarted();
    return this.outcome(this.execFailed(end, cell, ctx), killer.abortedBy, log, started);
  }

  /** What a spawner exports for the cell (cellEnv, quoted), or undefined when a shell cannot carry it. */
  private exportsOf(cell: Cell, ctx: RunContext): string | undefined {
    const own = exportWords(ownVars(cell, ctx.logDir, ctx.attempt));
    const shared = sharedWords(cell);
    if (own === undefined || shared === undefined) return undefined;
    return [this.spawners!.carried, own, shared].filter((w) => w !== '').join(' ');
  }

  /**
   * Through a spawner shell (see spawner.ts): no fork on kmatrix's main thread. Undefined when the shells
   * keep dying.
   */
  private viaSpawner(
    words: string,
    log: CappedLog,
    killer: GroupKiller,
    onStart: Started,
    ctx: RunContext,
  ): Promise<ProgramExit> | undefined {
    return this.spawners!.run((seq) => this.script.text(words, seq), log, {
      started: (atMs) => onStart(atMs, () => hasExited(killer.pid)),
      exited: () => ctx.exited?.(),
      pid: (pid) => killer.setPid(pid),
    });
  }

  cancelQueued(): void {
    this.spawners?.cancelQueued();
  }

  private async viaSpawn(
    env: Record<string, string>,
    log: CappedLog,
    killer: GroupKiller,
    ctx: RunContext,
    onStart: Started,
  ): Promise<ProgramExit> {
    const before = Date.now();
    const child = spawn(this.file, this.args, {
      cwd: this.cwd,
      env: { ...process.env, ...this.config.env, ...env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // its timeout and duration count from its start, however long kmatrix took to get there
    const spawnedAt = processStart(child.pid, before, Date.now());
    onStart(spawnedAt, () => hasExited(child.pid));
    // 'close' comes once the program has exited and its pipes are closed; 'error' when it could not start
    const settled = new Promise<ProgramExit>((res) => {
      child.once('close', (code, signal) => res({ code, signal }));
      // `on`, not `once`: a later 'error' without a listener would crash the whole run
      child.on('error', (err: NodeJS.ErrnoException) =>
        res({ code: null, signal: null, error: err.message, ...(err.code ? { errno: err.code } : {}) }),
      );
    });
    child.stdout?.on('data', (c: Buffer) => log.push(c));
    child.stderr?.on('data', (c: Buffer) => log.push(c));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);
    if (child.pid !== undefined) killer.setPid(child.pid);
    // the program's end, not its pipes' (a daemon may hold them): the timeout stops, the duration ends
    const exited = new Promise<ProgramExit>((res) =>
      child.once('exit', (code, signal) => {
        ctx.exited?.();
        res({ code, signal, elapsedMs: Date.now() - spawnedAt });
      }),
    );
    const end = await Promise.race([exited, settled]);
    killer.dispose();
    // let buffered output arrive, then kill anything of the tree still holding the pipes
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (drainTimer = setTimeout(r, this.drainMs)))]);
    clearTimeout(drainTimer);
    killGroup(child.pid, 'SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
    return end;
  }

  /**
   * The end of a program that could not be executed says why (a stable reason, not the OS's
   * message with its paths); bash's 126 or 127 counts as such only when a reason is found, so
   * a program's own 126 or 127 stays its verdict.
   */
  private execFailed(end: ProgramExit, cell: Cell, ctx: RunContext): ProgramExit {
    const failed = end.error !== undefined || (end.signal === null && (end.code === 126 || end.code === 127));
    if (!failed || end.notStarted) return end;
    const env = { ...process.env, ...this.config.env, ...cellEnv(cell, ctx.logDir, ctx.attempt) };
    const reason = execFailure([this.file, ...this.args], this.cwd, env, end.errno);
    if (reason !== undefined) return { code: null, signal: null, error: reason };
    return end;
  }

  async close(): Promise<void> {
    this.spawners?.close();
    this.folders.flush();
  }

  private outcome(
    end: ProgramExit,
    abortedBy: GroupKiller['abortedBy'],
    log: CappedLog,
    started: number | undefined,
  ): Outcome {
    const output = log.text();
    // the program's own time where the spawner clocked it: a paused kmatrix does not stretch it.
    // Whole ms, and the same figure report.json gets: the log's "after 1.234s" is its durationMs
    const elapsedMs = Math.round(end.elapsedMs ?? (started === undefined ? 0 : performance.now() - started));
    const seconds = (elapsedMs / 1000).toFixed(3);
    let verdict: Outcome['verdict'];
    let signature: string | undefined;
    let trailer: string;
    if (abortedBy === 'timeout') {
      verdict = 'timeout';
      signature = extractSignature(output) ?? 'timeout';
      trailer = `timed out after ${seconds}s, process group killed`;
    } else if (abortedBy === 'interrupt') {
      verdict = 'error';
      signature = 'interrupted';
      trailer = 'interrupted, process group killed';
    } else if (end.error !== undefined) {
      verdict = 'error';
      signature = `cannot run ${this.shown}: ${end.error.split('\n')[0]}`;
      trailer = signature;
    } else {
      verdict = verdictOfExit(end.code, end.signal);
      if (verdict === 'fail') signature = signatureOf(output) ?? `exit code ${end.code}`;
      if (verdict === 'error') signature = end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`;
      trailer = end.signal
        ? `killed by ${end.signal} after ${seconds}s`
        : `exit code ${end.code} after ${seconds}s`;
    }
    const nl = output === '' || output.endsWith('\n') ? '' : '\n';
    return {
      verdict,
      log: `${output}${nl}[kmatrix] ${trailer}\n`,
      ...(signature !== undefined ? { signature } : {}),
      ...(log.truncated ? { truncated: true } : {}),
      elapsedMs,
    };
  }
}
