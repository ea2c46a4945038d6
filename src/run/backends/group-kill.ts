/**
 * Kills a cell's process group when its attempt is aborted: SIGTERM at once, SIGKILL after a
 * grace. The group's pid may arrive after the abort (the spawner reports it over a pipe); the
 * kill then happens as soon as it does.
 */

export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

export class GroupKiller {
  /** Why the attempt was aborted, if it was. */
  abortedBy: 'timeout' | 'interrupt' | undefined;
  /** The group's leader, once known. */
  pid: number | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly signal: AbortSignal,
    private readonly graceMs: number,
  ) {
    if (signal.aborted) this.onAbort();
    else signal.addEventListener('abort', this.onAbort, { once: true });
  }

  setPid(pid: number): void {
    this.pid = pid;
    if (this.abortedBy) this.kill();
  }

  private readonly onAbort = (): void => {
    const reason = this.signal.reason as { name?: string } | undefined;
    this.abortedBy = reason?.name === 'TimeoutError' ? 'timeout' : 'interrupt';
    this.kill();
  };

  private kill(): void {
    if (this.pid === undefined || this.timer) return;
    const pid = this.pid;
    killGroup(pid, 'SIGTERM');
    this.timer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.graceMs);
  }

  /** Stops listening; a pending SIGKILL is dropped (the attempt is over). */
  dispose(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    clearTimeout(this.timer);
  }
}
