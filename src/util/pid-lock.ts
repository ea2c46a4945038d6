/**
 * A lock file that names its holder by pid: taken whole or not at all (the pid is written to a
 * temp file that is then hard-linked to the lock's name, which fails when the lock exists), and
 * taken over when its holder is no longer alive (killed with -9, the machine rebooted). Used for
 * report folders and git worktrees: two kmatrix processes never share one.
 */
import { linkSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';

export type PidLock = { taken: true } | { taken: false; holder: number };

/** The pid a lock names, or undefined when it names none (gone, empty, not a pid). */
export function pidLockHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `lock` for this process. `reentrant`: a lock this very process holds counts as free (a
 * report folder claimed again); otherwise it is held (two worktree pools of one process).
 */
export function takePidLock(lock: string, o: { reentrant: boolean }): PidLock {
  const tmp = `${lock}.${process.pid}.tmp`;
  writeFileSync(tmp, `${process.pid}\n`, { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 4; attempt++) {
      try {
        linkSync(tmp, lock);
        return { taken: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = pidLockHolder(lock);
      const ours = holder === process.pid;
      if (holder !== undefined && (ours ? !o.reentrant : alive(holder))) return { taken: false, holder };
      takeOver(lock, holder);
    }
    const holder = pidLockHolder(lock);
    return holder === undefined ? { taken: false, holder: -1 } : { taken: false, holder };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Removes a lock whose holder was `dead`, unless another process took it over meanwhile: the
 * lock is first renamed to a name of ours, so of two processes taking it over only one removes it,
 * and a fresh lock renamed by mistake is linked back.
 */
function takeOver(lock: string, dead: number | undefined): void {
  const stale = `${lock}.stale-${process.pid}`;
  try {
    renameSync(lock, stale);
  } catch {
    return; // gone already: look again
  }
  const holder = pidLockHolder(stale);
  if (holder !== dead && holder !== undefined && alive(holder)) {
    try {
      linkSync(stale, lock);
    } catch {
      // a third process holds the name now: its lock stands
    }
  }
  unlinkSync(stale);
}

/** Removes `lock` when this process holds it. */
export function releasePidLock(lock: string): void {
  if (pidLockHolder(lock) === process.pid) rmSync(lock, { force: true });
}
