/**
 * One spawner shell (see spawner.ts): a bash that takes cells from its backend's queue one at a
 * time and reports on its stdout when each starts, its pid and how it ended. The programs'
 * output goes to files of their cells' own (cell-output.ts), not to the shell's stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { CappedLog } from '../capped-log.js';
import { FrameScanner, LOOP, reportValue, type ProgramExit } from './spawner-protocol.js';

/** What the backend hears of a cell it gave a spawner. */
export interface JobEvents {
  /** The program is starting (the cell's timer starts here); `atMs`: when, by the shell's clock. */
  started(atMs?: number): void;
  /** The program has exited: its output is being read. */
  exited(): void;
  pid(pid: number): void;
}

/** A cell given to the spawners. */
export interface Job {
  seq: number;
  script: (seq: number) => string;
  log: CappedLog;
  events: JobEvents;
  resolve: (exit: ProgramExit) => void;
  /** The script file holding it while it waits. */
  file?: number;
  /** Its file now reports that it did not start (Spawners.cancelQueued). */
  cancelled?: boolean;
  /** When its program started, by the shell's clock (ms since the epoch). */
  startedAtMs?: number;
}

/** What a shell reports to the spawners it belongs to. */
export interface ShellOwner {
  onReady(): void;
  /**
   * The job of cell `seq`, which starts on `shell` at `atMs` by the shell's clock (or, when `started`
   * is false, never will).
   */
  onStart(shell: Shell, seq: number, started: boolean, atMs?: number): Job | undefined;
  /** `output`: the end report's letter for the cell's output file (cell-output.ts). */
  onEnd(job: Job, status: number, elapsedMs: number | undefined, output: string | undefined): void;
  /** The script file named by `trigger` is not there: the spawner folder was removed. */
  onLost(trigger: string): void;
  onDeath(shell: Shell, job: Job | undefined, reason: string): void;
}

/**
 * How long a dead shell's last reports get to arrive before its death is handled, when its
 * stdout stays open (a program it started still holds it): otherwise the pipe's close says
 * that everything it wrote has been read.
 */
const EXIT_READ_MS = 20;

export class Shell {
  private readonly child: ChildProcess;
  private readonly scanner: FrameScanner;
  private current: Job | undefined;
  /** Between a start report and an end report (also for a cell given up on meanwhile). */
  private busy = false;
  private idleSince = performance.now();
  private dead = false;
  /** Whether it keeps kmatrix alive (a child process is, when spawned). */
  private refd = true;

  /** `queue`: the FIFO shared by the backend's shells, or undefined to take triggers on stdin (write()). */
  constructor(
    dir: string,
    queue: string | undefined,
    marker: Buffer,
    cwd: string,
    env: Record<string, string | undefined>,
    private readonly owner: ShellOwner,
  ) {
    this.child = spawn(
      'bash',
      ['--noprofile', '--norc', '-c', LOOP, 'kmatrix-spawner', dir, '', queue ?? ''],
      {
        cwd,
        env,
        detached: true,
        stdio: [queue === undefined ? 'pipe' : 'ignore', 'pipe', 'ignore', 'pipe'],
      },
    );
    // the marker on a pipe the shell reads and closes: a program sees it in no argv or environment
    const secret = this.child.stdio[3] as NodeJS.WritableStream | null;
    secret?.on('error', () => undefined);
    secret?.end(Buffer.concat([marker, Buffer.from('\n')]));
    this.child.stdin?.on('error', () => undefined);
    // programs write to their own output files: anything else on the shell's stdout is no cell's
    this.scanner = new FrameScanner(
      marker,
      () => undefined,
      (kind, value) => this.onFrame(kind, value),
    );
    this.child.on('error', (e) => this.die(e.message));
    // what it wrote before it died may still be in the pipe: its death is handled once that is read
    let exit: string | undefined;
    let drained = false;
    this.child.on('exit', (code, signal) => {
      exit = `the spawner shell exited (${signal ?? `code ${code}`})`;
      if (drained) this.die(exit);
      else setTimeout(() => this.die(exit!), EXIT_READ_MS);
    });
    this.child.stdout?.on('data', (c: Buffer) => this.scanner.push(c));
    this.child.stdout?.on('close', () => {
      drained = true;
      if (exit !== undefined) this.die(exit);
    });
  }

  private onFrame(kind: string, value: string): void {
    switch (kind) {
      case 'R':
        return this.owner.onReady();
      case 'S': {
        this.busy = true;
        const { n, atMs } = reportValue(value);
        this.current = this.owner.onStart(this, n, true, atMs);
        return;
      }
      case 'N':
        this.owner.onStart(this, Number(value), false);
        return;
      case 'L':
        return this.owner.onLost(value);
      case 'P':
        return this.current?.events.pid(Number(value));
      case 'E': {
        const job = this.current;
        this.current = undefined;
        this.busy = false;
        this.idleSince = performance.now();
        const { n, atMs, output } = reportValue(value);
        const start = job?.startedAtMs;
        const elapsed = start !== undefined && atMs !== undefined ? atMs - start : undefined;
        if (job) this.owner.onEnd(job, n, elapsed, output);
        return;
      }
    }
  }

  /** A trigger on the shell's own stdin. */
  write(trigger: string): void {
    this.child.stdin?.write(trigger);
  }

  /** How long it has been waiting for a cell (0 while it runs one). */
  idleFor(): number {
    return this.busy ? 0 : performance.now() - this.idleSince;
  }

  private die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    const job = this.current;
    this.current = undefined;
    this.owner.onDeath(this, job, reason);
  }

  /**
   * A shell with cells in flight keeps kmatrix alive; an idle one does not. Only on a change:
   * each ref() of a pipe not connected yet adds a listener (Node warns past 10).
   */
  ref(): void {
    if (this.refd) return;
    this.refd = true;
    this.child.ref();
    for (const s of this.child.stdio) (s as { ref?: () => void } | null)?.ref?.();
  }

  unref(): void {
    if (!this.refd) return;
    this.refd = false;
    this.child.unref();
    for (const s of this.child.stdio) (s as { unref?: () => void } | null)?.unref?.();
  }

  /** Kills the shell's group (a cell's program has a group of its own: its killer ends it). */
  close(): void {
    this.dead = true;
    if (this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    this.child.stdout?.destroy();
    this.unref();
  }
}
