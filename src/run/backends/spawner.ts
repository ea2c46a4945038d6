/**
 * Shells that start the command backend's programs on kmatrix's behalf.
 *
 * Node forks on its main thread and waits there until the child has exec'd (1-5 ms per
 * spawn, growing with kmatrix's heap), which capped the command backend at a few hundred cells
 * per second whatever --jobs was (test/bench/pool-overhead.mjs). Long-lived bash shells fork
 * instead, in parallel and from small processes. kmatrix writes each cell's script into a file
 * of its own and puts the file's one-byte name in a FIFO that all the backend's shells read:
 * whichever shell is idle takes the next cell at once, without waiting for kmatrix, so a cell
 * queued behind the running ones starts the moment one ends. Each shell reports on its stdout,
 * between the programs' output, when a cell starts, its pid and its exit status
 * (spawner-protocol.ts).
 *
 * bash rather than sh: only bash's `set -m` gives each background job its own process group
 * without a terminal, which "kill the whole tree" needs. Values reach the program as
 * single-quoted words, which the shell never expands, so they are as inert as with a plain spawn.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  ftruncateSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { makeDirs } from '../../util/make-dirs.js';
import { join } from 'node:path';
import type { CappedLog } from '../capped-log.js';
import { BatchedRemoval } from '../../util/batched-removal.js';
import { collectOutput, outputState, type OutputState } from './cell-output.js';
import { Shell, type Job, type JobEvents } from './spawner-shell.js';
import {
  exitOfStatus,
  exportWords,
  findExecutable,
  notStartedScript,
  shellSafe,
  TRIGGERS,
  type ProgramExit,
} from './spawner-protocol.js';

/**
 * Files a non-interactive bash sources at start-up when they are set: the spawner's loop must not run
 * them.
 */
const STARTUP_FILES = ['BASH_ENV', 'ENV'];
/** Shells dying one after another without a cell ending in between: the backend stops using them. */
const MAX_DEATHS = 3;
/** How long an idle shell and a waiting cell may coexist before the cell's trigger is known lost. */
const LOST_AFTER_MS = 1000;

/** The spawner shells of one backend, their queue and their script files. */
export class Spawners {
  private readonly shells = new Set<Shell>();
  /** Written and triggered, not started yet. */
  private readonly waiting = new Map<number, Job>();
  /** Not written yet: every script file holds a waiting cell. */
  private readonly backlog: Job[] = [];
  private readonly files: number[] = [];
  private readonly free: number[] = [];
  private readonly marker = Buffer.from(`\x01kmatrix-end-${randomBytes(12).toString('hex')}\x01`);
  private dir: string | undefined;
  /** A single shell takes its triggers on stdin; several share a FIFO (opened once one has made it). */
  private readonly single: boolean;
  private fifo: number | undefined;
  private trigger: ((name: string) => void) | undefined;
  private seq = 0;
  private running = 0;
  private deaths = 0;
  private broken = false;
  /** Cells waiting when a shell died: the dead shell may have taken the trigger of one. */
  private doubtful = new Set<number>();
  private watch: NodeJS.Timeout | undefined;
  /**
   * Output files read (cell-output.ts), removed in batches (2,000 in 29 ms of a profile). A
   * leftover writer keeps only the unlinked file; the spawner folder goes whole at the end with
   * what is still there.
   */
  private readonly spent = new BatchedRemoval(unlinkSync, 256);

  /** What the programs get of STARTUP_FILES (the spawner itself never sees them), as export words. */
  readonly carried: string;
  private readonly env: Record<string, string | undefined>;

  private constructor(
    private readonly cwd: string,
    env: Record<string, string | undefined>,
    private readonly slots: number,
  ) {
    this.single = slots === 1;
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
   * Spawners for `argv` run in `cwd` with `env`, at most `slots` programs at once, or undefined
   * where a plain spawn must do: KMATRIX_SPAWNER=0, no bash, a program that is not there (the
   * plain spawn reports it), names and values a shell cannot carry (exported bash functions
   * among them), or bash's own SHELLOPTS/BASHOPTS.
   */
  static for(
    argv: readonly string[],
    cwd: string,
    env: Record<string, string | undefined>,
    slots = Infinity,
  ): Spawners | undefined {
    if (process.env.KMATRIX_SPAWNER === '0' || !findExecutable('bash')) return undefined;
    // bash applies these to itself at start-up and keeps them read-only: a program could not get them
    // unchanged
    if (env.SHELLOPTS !== undefined || env.BASHOPTS !== undefined) return undefined;
    if (!findExecutable(argv[0] ?? '', env.PATH) || !shellSafe(env, argv)) return undefined;
    return new Spawners(cwd, env, slots);
  }

  /**
   * Runs one cell's script; its output goes to `log`. Undefined when the shells keep dying
   * (the caller spawns the program itself).
   */
  run(script: (seq: number) => string, log: CappedLog, events: JobEvents): Promise<ProgramExit> | undefined {
    if (this.broken) return undefined;
    return new Promise((resolve) => {
      const job: Job = { seq: ++this.seq, script, log, events, resolve };
      this.backlog.push(job);
      this.serve();
    });
  }

  /**
   * Cells that wait for a shell and have not started end with `notStarted` instead (an
   * interrupted run starts nothing new). A shell may have taken one already: that one runs.
   */
  cancelQueued(): void {
    for (const job of this.backlog.splice(0))
      this.finish(job, { code: null, signal: null, notStarted: true });
    for (const job of this.waiting.values()) {
      if (job.cancelled) continue;
      job.cancelled = true;
      const file = this.fileOf(job.file!);
      try {
        // atomically: a shell that opened the old file reads the old file whole
        writeFileSync(`${file}.tmp`, notStartedScript(job.seq));
        renameSync(`${file}.tmp`, file);
        closeSync(this.files[job.file!]!);
        this.files[job.file!] = openSync(file, 'r+');
      } catch {
        // the cell starts after all; its killer ends it on a forced stop
      }
    }
  }

  /**
   * Ends the shells (their own groups are killed: a running cell's program has a group of its own, which
   * its killer ends).
   */
  close(): void {
    clearInterval(this.watch);
    for (const shell of this.shells) shell.close();
    this.shells.clear();
    this.endUnstarted({ code: null, signal: null, error: 'kmatrix closed the spawner shells' });
    for (const fd of this.files.splice(0)) closeSync(fd);
    if (this.fifo !== undefined) closeSync(this.fifo);
    this.fifo = undefined;
    this.trigger = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  /** Writes backlogged cells into free script files and triggers them, once the FIFO is there. */
  private dispatch(): void {
    while (this.trigger && this.backlog.length > 0) {
      let file = this.free.pop();
      const job = this.backlog[0]!;
      try {
        if (file === undefined && this.files.length < TRIGGERS.length) {
          this.files.push(openSync(this.fileOf(this.files.length), 'w'));
          file = this.files.length - 1;
        }
        if (file === undefined) return;
        this.backlog.shift();
        job.file = file;
        const fd = this.files[file]!;
        ftruncateSync(fd, writeSync(fd, job.script(job.seq), 0));
        this.waiting.set(job.seq, job);
        this.trigger(TRIGGERS[file]!);
      } catch (e) {
        if (file !== undefined) this.free.push(file);
        if (this.backlog[0] === job) this.backlog.shift();
        this.waiting.delete(job.seq);
        this.finish(job, {
          code: null,
          signal: null,
          error: `cannot queue the cell: ${e instanceof Error ? e.message : String(e)}`,
        });
      }
    }
  }

  /** One shell per cell in flight, up to `slots`; then what waits for a script file is written. */
  private serve(): void {
    const want = Math.min(this.slots, this.running + this.waiting.size + this.backlog.length);
    if (this.shells.size < want) {
      try {
        this.dir ??= makeSpawnerDir();
      } catch (e) {
        return this.breakDown(
          `cannot make the spawner folder: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      while (this.shells.size < want) this.shells.add(this.newShell(this.dir));
    }
    // cells in flight keep kmatrix alive
    if (want > 0) for (const shell of this.shells) shell.ref();
    this.dispatch();
  }

  private newShell(dir: string): Shell {
    if (!this.single) return new Shell(dir, join(dir, 'queue'), this.marker, this.cwd, this.env, this);
    const shell = new Shell(dir, undefined, this.marker, this.cwd, this.env, this);
    this.trigger = (name) => shell.write(name);
    // what waited for a shell that died goes to this one (its files are intact)
    for (const job of this.waiting.values()) shell.write(TRIGGERS[job.file!]!);
    return shell;
  }

  private fileOf(file: number): string {
    return join(this.dir!, TRIGGERS[file]!);
  }

  // --- what the shells report (called by Shell) ---

  /** A shell has made the FIFO and opened it: the writing end can be opened without blocking. */
  onReady(): void {
    if (this.single || this.fifo !== undefined || this.dir === undefined) return;
    try {
      const fifo = openSync(join(this.dir, 'queue'), constants.O_RDWR | constants.O_NONBLOCK);
      this.fifo = fifo;
      this.trigger = (name) => writeSync(fifo, name);
    } catch {
      return; // the shell could not make it either and dies: counted there
    }
    this.dispatch();
  }

  /** Cell `seq` has started on `shell`: its script file is free again. */
  onStart(shell: Shell, seq: number, started: boolean, atMs?: number): Job | undefined {
    const job = this.waiting.get(seq);
    if (!job) return undefined;
    this.waiting.delete(seq);
    this.doubtful.delete(seq);
    this.free.push(job.file!);
    this.dispatch();
    if (!started) {
      this.finish(job, { code: null, signal: null, notStarted: true });
      return undefined;
    }
    this.running++;
    if (atMs !== undefined) job.startedAtMs = atMs;
    job.events.started(atMs);
    return job;
  }

  onEnd(job: Job, status: number, elapsedMs: number | undefined, output: string | undefined): void {
    this.running--;
    this.deaths = 0;
    const valid = elapsedMs !== undefined && Number.isFinite(elapsedMs) && elapsedMs >= 0;
    const exit = { ...exitOfStatus(status), ...(valid ? { elapsedMs } : {}) };
    job.events.exited();
    void this.collect(job, outputState(output) ?? 'some').then((lost) => {
      // the program's verdict stands; its log says what became of its output
      if (lost !== undefined) job.log.push(`\n[kmatrix] the cell's output is lost: ${lost}\n`);
      this.finish(job, exit);
    });
  }

  onDeath(shell: Shell, job: Job | undefined, reason: string): void {
    this.shells.delete(shell);
    if (job) {
      this.running--;
      job.events.exited();
      void this.collect(job, 'some').then(() =>
        this.finish(job, { code: null, signal: null, error: reason }),
      );
    }
    if (++this.deaths >= MAX_DEATHS) return this.breakDown(reason);
    if (this.single) {
      this.trigger = undefined;
      return this.serve();
    }
    // it may have read the trigger of a waiting cell and died before starting it
    for (const seq of this.waiting.keys()) this.doubtful.add(seq);
    if (this.doubtful.size > 0) this.watch ??= setInterval(() => this.findLost(), LOST_AFTER_MS);
    this.serve();
  }

  /**
   * A shell found no script file behind a trigger: the folder is gone. The cell of that file
   * ends as an error; the shells finish what they run, and every other cell starts plainly.
   */
  onLost(trigger: string): void {
    const file = TRIGGERS.indexOf(trigger);
    const lost = [...this.waiting.values()].find((j) => j.file === file);
    if (!lost) return;
    const reason = `the spawner folder ${this.dir ?? ''} was removed`;
    this.waiting.delete(lost.seq);
    this.finish(lost, { code: null, signal: null, error: reason });
    this.broken = true;
    this.endUnstarted({ code: null, signal: null, error: reason, fallBack: true });
  }

  /** A doubtful cell still waiting while a shell has idled a whole interval lost its trigger. */
  private findLost(): void {
    for (const seq of this.doubtful) if (!this.waiting.has(seq)) this.doubtful.delete(seq);
    const idle = [...this.shells].some((s) => s.idleFor() >= LOST_AFTER_MS);
    if (idle) {
      for (const seq of this.doubtful) {
        const job = this.waiting.get(seq)!;
        this.waiting.delete(seq);
        this.free.push(job.file!);
        this.finish(job, { code: null, signal: null, error: 'the spawner shell is gone' });
      }
      this.doubtful.clear();
      this.dispatch();
    }
    if (this.doubtful.size === 0) {
      clearInterval(this.watch);
      this.watch = undefined;
    }
  }

  /** The shells keep dying (or cannot start): cells not started yet, and all later ones, spawn plainly. */
  private breakDown(reason: string): void {
    this.broken = true;
    for (const shell of this.shells) shell.close();
    this.shells.clear();
    this.endUnstarted({ code: null, signal: null, error: reason, fallBack: true });
  }

  /** Ends every cell that has not started, written or not. */
  private endUnstarted(exit: ProgramExit): void {
    const jobs = [...this.backlog.splice(0), ...this.waiting.values()];
    this.waiting.clear();
    for (const job of jobs) this.finish(job, exit);
  }

  /** Reads a started cell's output file into its log (cell-output.ts); resolves to why it could not. */
  private collect(job: Job, state: OutputState): Promise<string | undefined> {
    if (this.dir === undefined) return Promise.resolve('the spawner folder is gone');
    const file = join(this.dir, `o${job.seq}`);
    return collectOutput(file, state, job.log).finally(() => this.spent.add(file));
  }

  private finish(job: Job, exit: ProgramExit): void {
    job.resolve(exit);
    if (this.running + this.waiting.size + this.backlog.length === 0)
      for (const shell of this.shells) shell.unref();
  }
}

/**
 * A folder of kmatrix's own for the script files and their queue: .kmatrix/spawner-<pid>-* in
 * the current directory (not a /tmp other users share and cleaners sweep), else the temp folder.
 */
function makeSpawnerDir(): string {
  const state = join(process.cwd(), '.kmatrix');
  try {
    makeDirs(state);
    return mkdtempSync(join(state, `spawner-${process.pid}-`));
  } catch {
    return mkdtempSync(join(tmpdir(), 'kmatrix-spawn-'));
  }
}
