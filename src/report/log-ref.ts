/**
 * Reading a cell's log reference from a run folder that may come from elsewhere (a CI shard):
 * the reference must name a regular file inside the folder, found by its real path (no `..`,
 * no absolute path, no symbolic link leading out), and its byte range is bounded by the file.
 * A tampered reference must not copy /proc/self/environ or a CI secret into a merged report.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { parseLogRef } from './log-pack.js';
import { LOG_REF } from './schema.js';

/** A log reference resolved in its run folder: the file's real path and the bytes it names. */
export interface ResolvedLog {
  /** Absent when the file does not exist (a log that was never written or was removed). */
  path?: string;
  start: number;
  /** Bounded by the file's size. */
  end: number;
  /** The reference named bytes past the end of the file (a killed run, or tampering). */
  pastEnd: boolean;
}

/** Resolves the log references of one run folder; file checks are cached per file. */
export class RunLogs {
  private readonly root: string | undefined;
  private readonly files = new Map<string, { path: string; size: number } | string | undefined>();

  constructor(runDir: string) {
    try {
      this.root = realpathSync(runDir);
    } catch {
      this.root = undefined;
    }
  }

  /** The resolved log, or why the reference is refused. */
  resolve(log: string): ResolvedLog | string {
    if (!LOG_REF.test(log)) return `log ${JSON.stringify(log)} is not a path inside the run folder`;
    const ref = parseLogRef(log);
    if (ref.file.includes('#')) return `log ${log}: the byte range ends before it starts`;
    let file = this.files.get(ref.file);
    if (!this.files.has(ref.file)) this.files.set(ref.file, (file = this.check(ref.file)));
    if (typeof file === 'string') return `log ${log} ${file}`;
    const size = file?.size ?? 0;
    const start = Math.min(ref.start ?? 0, size);
    const end = Math.min(ref.end ?? size, size);
    return { ...(file ? { path: file.path } : {}), start, end, pastEnd: (ref.end ?? 0) > size };
  }

  private check(file: string): { path: string; size: number } | string | undefined {
    if (this.root === undefined) return undefined;
    let real: string;
    try {
      real = realpathSync(join(this.root, file));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      return `cannot be read: ${(err as Error).message}`;
    }
    const rel = relative(this.root, real);
    if (rel === '' || rel === '..' || rel.startsWith('../') || isAbsolute(rel))
      return 'leads out of the run folder';
    const stat = statSync(real);
    // a FIFO or a device would block or never end
    if (!stat.isFile()) return 'is not a regular file';
    return { path: real, size: stat.size };
  }
}
