/**
 * What /proc/<pid>/stat says of a cell's program, for a kmatrix that was paused (SIGSTOP) or
 * busy: when it started, by the kernel's clock (a plain spawn returns after the child has
 * exec'd, and kmatrix's own clock cannot tell whether that was before a pause or after it),
 * and whether it has exited though kmatrix has not heard yet (its end waits unread in a pipe
 * or a signal: a timer that fires first must not call it a timeout).
 */
import { existsSync, readFileSync } from 'node:fs';

/** USER_HZ, the unit of /proc/<pid>/stat's times on every Linux architecture. */
const TICKS_PER_S = 100;

/**
 * When process `pid` started, Date.now() scale, kept within [`notBefore`, `notAfter`] (the
 * moments around the spawn() call); `notAfter` where /proc does not say.
 */
export function processStart(pid: number | undefined, notBefore: number, notAfter: number): number {
  if (pid === undefined) return notAfter;
  try {
    // the child is not reaped before kmatrix's next turn of its event loop: its entry is there
    const ticks = Number(statFields(pid)[22 - 3]);
    const uptime = Number(readFileSync('/proc/uptime', 'latin1').split(' ')[0]);
    const at = Date.now() - (uptime - ticks / TICKS_PER_S) * 1000;
    return Number.isFinite(at) ? Math.min(notAfter, Math.max(notBefore, at)) : notAfter;
  } catch {
    return notAfter;
  }
}

/**
 * Whether process `pid` (a program kmatrix saw start) has exited: gone, or a zombie its parent
 * has not reaped yet. False where /proc cannot say.
 */
export function hasExited(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const state = statFields(pid)[0];
    return state === 'Z' || state === 'X';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' && existsSync('/proc/self/stat');
  }
}

/** The fields of /proc/<pid>/stat from the third (state) on: the name before may hold anything. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
