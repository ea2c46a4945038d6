/**
 * The command backend: runs any program once per cell, like `git bisect run`.
 *
 * The cell reaches the program only through environment variables (never a shell string),
 * so hostile axis values are inert. The program runs detached in its own process group so
 * that a timeout or an interruption kills the whole tree (SIGTERM, then SIGKILL after a
 * grace), and a grandchild holding stdout open cannot keep us waiting after the program exits.
 *
 * Plain child_process.spawn rather than execa: execa costs ~5 ms of main-thread time per
 * process on top of the fork, which made 2,000 cells of `true` 12x slower than xargs
 * (test/bench/pool-overhead.mjs); we need none of its extras here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rmdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { BackendConfig } from '../../matrix/plan-types.js';
import type { Cell } from '../../matrix/types.js';
import { extractSignature } from '../../sim/signature.js';
import { makeDirs } from '../../util/make-dirs.js';
import { canonicalJson } from '../cache.js';
import { CappedLog, DEFAULT_OUTPUT_CAP } from '../capped-log.js';
import type { Backend, Outcome, RunContext } from '../types.js';

type CommandConfig = Extract<BackendConfig, { kind: 'command' }>;

export interface CommandBackendOptions {
  /** Folder of the matrix file: relative command paths, cwd and inputs resolve against it. */
  baseDir: string;
  /** Bytes of output kept per attempt (head and tail); default 10 MiB. */
  outputCap?: number;
  /** Time between SIGTERM and SIGKILL of the process group; default 2 s. */
  killGraceMs?: number;
  /** How long to wait for output after the program exits before killing what holds its pipes. */
  drainMs?: number;
}

/** The environment a cell gets: KMATRIX_* variables with the cell's values, verbatim. */
export function cellEnv(cell: Cell, logDir: string, attempt: number): Record<string, string> {
  const env: Record<string, string> = {
    KMATRIX_CELL_ID: cell.id,
    KMATRIX_ARCH: cell.arch,
    KMATRIX_BOOT: cell.boot,
    KMATRIX_WORKLOAD: cell.workload,
    KMATRIX_COMMIT: cell.commit,
    KMATRIX_COMMIT_LABEL: cell.commitLabel,
    KMATRIX_MEMORY: String(cell.machine.memory),
    KMATRIX_NODES: String(cell.machine.nodes),
    KMATRIX_LOG_DIR: logDir,
    KMATRIX_ATTEMPT: String(attempt),
    // what the cell itself asked for (the resolved KMATRIX_CONFIG_* add the model's defaults)
    KMATRIX_KCONFIG: Object.entries(cell.kconfig).map(([sym, v]) => `${sym}=${v}`).join(' '),
  };
  for (const [sym, value] of Object.entries(cell.resolved)) {
    env[`KMATRIX_CONFIG_${sym.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`] = value;
  }
  return env;
}

/** Map a `git bisect run`-style exit status to a verdict. */
export function verdictOfExit(code: number | null, signal: string | null): Outcome['verdict'] {
  if (signal || code === null) return 'error';
  if (code === 0) return 'pass';
  if (code === 125) return 'skip';
  if (code >= 1 && code <= 127) return 'fail';
  return 'error';
}

function lastLine(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1);
}

function hashFile(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    return 'missing';
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

export class CommandBackend implements Backend {
  readonly name = 'command';
  private readonly file: string;
  private readonly args: string[];
  private readonly cwd: string;
  private readonly fp: string;
  private readonly cap: number;
  private readonly killGraceMs: number;
  private readonly drainMs: number;

  constructor(
    private readonly config: CommandConfig,
    options: CommandBackendOptions,
  ) {
    const [first, ...args] = config.command;
    if (first === undefined) throw new Error('command backend needs a non-empty command');
    // `./boot.sh` and `scripts/x` are files next to the matrix; a bare `bash` is looked up in PATH
    this.file = first.includes('/') && !isAbsolute(first) ? resolve(options.baseDir, first) : first;
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
      inputs: config.inputs.map((p) => [rel(resolve(options.baseDir, p)), hashFile(resolve(options.baseDir, p))]),
    });
  }

  fingerprint(): string {
    return this.fp;
  }

  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    const started = Date.now();
    const log = new CappedLog(this.cap);
    try {
      makeDirs(ctx.logDir);
    } catch {
      // the program may not need it; the pool reports an unwritable report directory
    }
    let child: ChildProcess;
    try {
      child = this.spawn(cell, ctx);
    } catch (err) {
      // e.g. a NUL byte in a value: the OS cannot take it as argv/env
      const signature = `cannot run ${this.file}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      return { verdict: 'error', signature, log: `[kmatrix] ${signature}\n` };
    }
    return this.watch(child, ctx, log, started);
  }

  private spawn(cell: Cell, ctx: RunContext): ChildProcess {
    return spawn(this.file, this.args, {
      cwd: this.cwd,
      env: { ...process.env, ...this.config.env, ...cellEnv(cell, ctx.logDir, ctx.attempt) },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  private async watch(child: ChildProcess, ctx: RunContext, log: CappedLog, started: number): Promise<Outcome> {
    // 'close' comes once the program has exited and its pipes are closed; 'error' when it could not start
    const settled = new Promise<{ code: number | null; signal: string | null; error?: string }>((res) => {
      child.once('close', (code, signal) => res({ code, signal }));
      // `on`, not `once`: a later 'error' without a listener would crash the whole run
      child.on('error', (err) => res({ code: null, signal: null, error: err.message }));
    });
    child.stdout?.on('data', (c: Buffer) => log.push(c));
    child.stderr?.on('data', (c: Buffer) => log.push(c));
    child.stdout?.on('error', () => undefined);
    child.stderr?.on('error', () => undefined);

    let abortedBy: 'timeout' | 'interrupt' | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      const reason = ctx.signal.reason as { name?: string } | undefined;
      abortedBy = reason?.name === 'TimeoutError' ? 'timeout' : 'interrupt';
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), this.killGraceMs);
    };
    if (ctx.signal.aborted) onAbort();
    else ctx.signal.addEventListener('abort', onAbort, { once: true });

    const exited = new Promise<{ code: number | null; signal: string | null; error?: string }>((res) => {
      child.once('exit', (code, signal) => res({ code, signal }));
    });
    const end = await Promise.race([exited, settled]);
    ctx.signal.removeEventListener('abort', onAbort);
    clearTimeout(killTimer);
    // let buffered output arrive, then kill anything of the tree still holding the pipes
    let drainTimer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise((r) => (drainTimer = setTimeout(r, this.drainMs)))]);
    clearTimeout(drainTimer);
    killGroup(child.pid, 'SIGKILL');
    child.stdout?.destroy();
    child.stderr?.destroy();
    await rmdir(ctx.logDir).catch(() => undefined);

    const output = log.text();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
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
      signature = `cannot run ${this.file}: ${end.error.split('\n')[0]}`;
      trailer = signature;
    } else {
      verdict = verdictOfExit(end.code, end.signal);
      if (verdict === 'fail') signature = extractSignature(output) ?? lastLine(output) ?? `exit code ${end.code}`;
      if (verdict === 'error') signature = end.signal ? `killed by ${end.signal}` : `exit code ${end.code}`;
      trailer = end.signal ? `killed by ${end.signal} after ${seconds}s` : `exit code ${end.code} after ${seconds}s`;
    }
    const nl = output === '' || output.endsWith('\n') ? '' : '\n';
    return {
      verdict,
      log: `${output}${nl}[kmatrix] ${trailer}\n`,
      ...(signature !== undefined ? { signature } : {}),
      ...(log.truncated ? { truncated: true } : {}),
    };
  }
}
