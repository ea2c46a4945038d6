/**
 * Reading files of a cache folder that anyone with write access may have replaced: only a
 * regular file, never through a symlink, never more than a bound. A FIFO, a device or a symlink
 * to /dev/zero would otherwise block kmatrix's main thread for good (deaf to Ctrl-C) or read
 * forever; here each is a miss.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

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
