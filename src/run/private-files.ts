/**
 * Files of kmatrix's own folders (the result cache, the YAML memo): made private to the user
 * (folders 0700, files 0600), and read back only as a regular file, never through a symlink,
 * never more than a bound. A FIFO, a device or a symlink to /dev/zero in place of an entry would
 * otherwise block kmatrix's main thread for good (deaf to Ctrl-C) or read forever; here each is
 * a miss.
 */
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';

/** The file's text, or undefined when it is missing, not a regular file, a symlink or over `maxBytes`. */
export function readRegularFile(path: string, maxBytes: number): string | undefined {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting for one
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > maxBytes) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < st.size) {
      const got = readSync(fd, buf, n, st.size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.toString('utf8', 0, n);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Makes `root` (its parents as usual) and `dir` below it, each folder made here 0700. */
export function makePrivateDirs(root: string, dir: string): void {
  const top = resolve(root);
  const parts = relative(top, resolve(dir)).split(sep).filter(Boolean);
  makeDirs(dirname(top));
  let at = top;
  for (const part of ['', ...parts]) {
    at = part === '' ? at : `${at}${sep}${part}`;
    try {
      mkdirSync(at, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** Writes a 0600 file whole (a temp file of its own, then a rename); throws on failure, leaving nothing. */
export function writePrivateFile(root: string, path: string, text: string): void {
  makePrivateDirs(root, dirname(path));
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
