/**
 * git commands started by one long-lived shell instead of by Node, for the calls on a
 * bisection's critical path (a worktree checkout per probe, every round). Node starts a
 * process by forking itself: with a run's heap that cost ~8 ms of the main thread per git call
 * on the 2-core bench machine under load, against ~0.5 ms to write a line to a shell that forks
 * itself (a few hundred KB), and git's wall time fell from ~60 to ~20 ms a call.
 *
 * Each command runs in the background of the shell, so calls overlap as they would as
 * processes of their own; the shell prints `<id> <exit status>` when one ends (a line under
 * PIPE_BUF is written whole, so parallel jobs never mix their lines). Only the exit status
 * comes back: a caller meeting a failure runs the command again through git() for the message.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** A shell word that stands for `s` exactly. */
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class GitShell {
  private sh: ChildProcess | undefined;
  private broken = false;
  private nextId = 0;
  private readonly pending = new Map<number, (status: number | undefined) => void>();
  private buffered = '';

  /** git's exit status of `git -C dir ...args`; undefined when the shell could not run it. */
  run(dir: string, args: readonly string[]): Promise<number | undefined> {
    const sh = this.shell();
    if (!sh) return Promise.resolve(undefined);
    const id = this.nextId++;
    const command = ['git', '-C', dir, ...args].map(quote).join(' ');
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      if (this.pending.size === 1) this.hold(true);
      sh.stdin!.write(`{ ${command} </dev/null >/dev/null 2>&1; echo "${id} $?"; } &\n`);
    });
  }

  /** Ends the shell (commands under way finish on their own); later calls answer undefined. */
  close(): void {
    this.broken = true;
    this.sh?.stdin!.end();
    this.sh = undefined;
  }

  private shell(): GitShell['sh'] {
    if (this.sh || this.broken) return this.sh;
    const sh = spawn('sh', [], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
    sh.on('error', () => this.fail());
    sh.on('exit', () => this.fail());
    sh.stdin!.on('error', () => this.fail());
    sh.stdout!.setEncoding('utf8').on('data', (chunk: string) => this.read(chunk));
    this.sh = sh;
    this.hold(false);
    return sh;
  }

  private read(chunk: string): void {
    this.buffered += chunk;
    for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
      const [id, status] = this.buffered.slice(0, nl).split(' ').map(Number);
      this.buffered = this.buffered.slice(nl + 1);
      const resolve = this.pending.get(id!);
      this.pending.delete(id!);
      resolve?.(status);
    }
    if (this.pending.size === 0) this.hold(false);
  }

  /** The shell keeps the process alive only while a command is under way. */
  private hold(on: boolean): void {
    const sh = this.sh;
    if (!sh) return;
    for (const handle of [sh, sh.stdout, sh.stdin] as unknown as Array<{ ref(): void; unref(): void }>)
      if (on) handle.ref();
      else handle.unref();
  }

  /** The shell died or never started: what it holds is answered undefined, later calls too. */
  private fail(): void {
    this.broken = true;
    this.sh = undefined;
    for (const resolve of this.pending.values()) resolve(undefined);
    this.pending.clear();
  }
}
