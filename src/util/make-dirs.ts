/**
 * `mkdir -p` that always ends. Node's `mkdir(..., { recursive: true })` spins forever (and the
 * sync form freezes the event loop, so not even Ctrl-C works) when the kernel answers ENOENT
 * for a child of a directory that exists, as procfs does: `--report-dir /proc/x` or a cache
 * under /proc would hang kmatrix. This walks up to the first existing ancestor, then creates
 * each missing directory once, and reports the first real error.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

function errnoError(code: string, message: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}, mkdir '${path}'`), { code, syscall: 'mkdir', path });
}

/** Create `dir` and its missing parents; throws ENOTDIR when a part is a file. */
export function makeDirs(dir: string): void {
  const target = resolve(dir);
  // the common case, one syscall: the parent exists (a plain mkdir never spins)
  try {
    mkdirSync(target);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EEXIST' && code !== 'ENOTDIR') throw err;
  }
  const missing: string[] = [];
  for (let p = target; ; p = dirname(p)) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw errnoError('ENOTDIR', 'not a directory', target);
      if (code !== 'ENOENT' || dirname(p) === p) throw err;
      missing.push(p);
      continue;
    }
    if (!isDir) throw errnoError('ENOTDIR', 'not a directory', target);
    break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (err) {
      // another process made it meanwhile: fine
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(p).isDirectory()) throw err;
    }
  }
}
