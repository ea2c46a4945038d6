/**
 * A shell that starts the command backend's programs on kmatrix's behalf.
 *
 * Node forks on its main thread and waits there until the child has exec'd (1-5 ms per
 * spawn, growing with kmatrix's heap), which capped the command backend at a few hundred cells
 * per second whatever --jobs was: 4.2x slower than `xargs -P` on 2,000 cells of `true`
 * (test/bench/pool-overhead.mjs). A long-lived bash per job slot forks instead, in parallel
 * and from a small process: kmatrix writes the cell's script to a file, sends one line, and
 * reads back the program's pid (control pipe, fd 3) and its output (stdout and stderr on one
 * pipe), closed by a random end marker and the exit status.
 *
 * bash rather than sh: only bash's `set -m` gives each background job its own process group
 * without a terminal, which "kill the whole tree" needs. The script goes through a file because
 * bash reads a pipe one byte at a time. Values reach the program as single-quoted words, which
 * the shell never expands, so they are as inert as with a plain spawn.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { CappedLog } from '../capped-log.js';
import { exitOfStatus, exportWords, findExecutable, LOOP, OutputScanner, shellSafe, type ProgramExit } from './spawner-protocol.js';

interface Job {
  seq: number;
  out: OutputScanner;
  onPid: (pid: number) => void;
  resolve: (exit: ProgramExit) => void;
}

/** One bash, running one cell at a time. */
export class Spawner {
  private readonly child: ChildProcess;
  private readonly marker = Buffer.from(`\x01kmatrix-end-${randomBytes(12).toString('hex')}\x01`);
  private job: Job | undefined;
  private seq = 0;
  private control = '';
  /** The script file, kept open: rewriting it in place costs ~10 us, a new write ~0.5 ms on ext4. */
  private readonly fd: number;
  dead = false;
  private closed = false;

  constructor(
    scriptFile: string,
    cwd: string,
    env: Record<string, string | undefined>,
  ) {
    this.fd = openSync(scriptFile, 'w');
    this.child = spawn('bash', ['--noprofile', '--norc', '-c', LOOP, 'kmatrix-spawner', scriptFile, this.marker.toString('latin1')], {
      cwd,
      env,
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore', 'pipe'],
    });
    this.child.on('error', (e) => this.die(e.message));
    this.child.on('exit', (code, signal) => this.die(`the spawner shell exited (${signal ?? `code ${code}`})`));
    this.child.stdin?.on('error', () => undefined);
    this.child.stdout?.on('data', (c: Buffer) => this.job && (this.job.out.push(c), this.settle()));
    const control = this.child.stdio[3] as Readable;
    control.setEncoding('latin1');
    control.on('data', (s: string) => this.onControl(s));
    this.idle();
  }

  /** Runs one cell's script; output goes to `log`, the pid to `onPid` as soon as it is known. */
  run(script: (seq: number) => string, log: CappedLog, onPid: (pid: number) => void): Promise<ProgramExit> {
    if (this.dead || this.job) return Promise.resolve({ code: null, signal: null, error: 'the spawner shell is gone' });
    return new Promise((resolve) => {
      const seq = ++this.seq;
      this.job = { seq, out: new OutputScanner(this.marker, (b) => log.push(b)), onPid, resolve };
      this.busy();
      try {
        // bash has read the previous script whole before it reported its end
        ftruncateSync(this.fd, writeSync(this.fd, script(seq), 0));
        this.child.stdin?.write('\n');
      } catch (e) {
        this.die(e instanceof Error ? e.message : String(e));
      }
    });
  }

  private onControl(text: string): void {
    this.control += text;
    let nl: number;
    while ((nl = this.control.indexOf('\n')) >= 0) {
      const line = this.control.slice(0, nl);
      this.control = this.control.slice(nl + 1);
      const [kind, seq, pid] = line.split(' ');
      if (kind === 'P' && this.job && Number(seq) === this.job.seq) this.job.onPid(Number(pid));
    }
  }

  private settle(): void {
    const job = this.job;
    if (job?.out.status === undefined) return;
    this.job = undefined;
    this.idle();
    job.resolve(exitOfStatus(job.out.status));
  }

  private die(reason: string): void {
    this.dead = true;
    const job = this.job;
    this.job = undefined;
    job?.resolve({ code: null, signal: null, error: reason });
  }

  /** An idle spawner does not keep kmatrix alive; a busy one does. */
  private idle(): void {
    this.child.unref();
    for (const s of this.child.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  private busy(): void {
    this.child.ref();
    for (const s of this.child.stdio) (s as { ref?: () => void } | null)?.ref?.();
  }

  /** Ends the shell: EOF ends its loop; its group is killed in case a cell still runs. */
  close(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
    this.child.stdin?.end();
    if (this.job && this.child.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    for (const s of this.child.stdio) (s as Readable | null)?.destroy?.();
    this.idle();
  }
}

/** Files a non-interactive bash sources at start-up when they are set: the spawner's loop must not run them. */
const STARTUP_FILES = ['BASH_ENV', 'ENV'];

/** The spawners of one backend: one per cell running at once, reused, started on demand. */
export class Spawners {
  private readonly idle: Spawner[] = [];
  private readonly all = new Set<Spawner>();
  private dir: string | undefined;
  private count = 0;

  /** What the programs get of STARTUP_FILES (the spawner itself never sees them), as export words. */
  readonly carried: string;
  private readonly env: Record<string, string | undefined>;

  private constructor(
    private readonly cwd: string,
    env: Record<string, string | undefined>,
  ) {
    this.env = { ...env };
    const carried: Record<string, string> = {};
    for (const name of STARTUP_FILES) {
      const value = this.env[name];
      delete this.env[name];
      if (value !== undefined) carried[name] = value;
    }
    // shellSafe(env) held in for()
    this.carried = exportWords(carried) ?? '';
  }

  /**
   * Spawners for `argv` run in `cwd` with `env`, or undefined where a plain spawn must do:
   * KMATRIX_SPAWNER=0, no bash, a program that is not there (the plain spawn reports it),
   * names and values a shell cannot carry (exported bash functions among them), or bash's own
   * SHELLOPTS/BASHOPTS.
   */
  static for(argv: readonly string[], cwd: string, env: Record<string, string | undefined>): Spawners | undefined {
    if (process.env.KMATRIX_SPAWNER === '0' || !findExecutable('bash')) return undefined;
    // bash applies these to itself at start-up and keeps them read-only: a program could not get them unchanged
    if (env.SHELLOPTS !== undefined || env.BASHOPTS !== undefined) return undefined;
    if (!findExecutable(argv[0] ?? '', env.PATH) || !shellSafe(env, argv)) return undefined;
    return new Spawners(cwd, env);
  }

  acquire(): Spawner {
    for (let s = this.idle.pop(); s; s = this.idle.pop()) if (!s.dead) return s;
    this.dir ??= mkdtempSync(join(tmpdir(), 'kmatrix-spawn-'));
    const s = new Spawner(join(this.dir, `cell-${this.count++}.sh`), this.cwd, this.env);
    this.all.add(s);
    return s;
  }

  release(s: Spawner): void {
    if (!s.dead) {
      this.idle.push(s);
      return;
    }
    this.all.delete(s);
    s.close();
  }

  close(): void {
    for (const s of this.all) s.close();
    this.all.clear();
    this.idle.length = 0;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}
