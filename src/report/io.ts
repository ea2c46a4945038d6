/** The small amount of file-system plumbing every reporter shares. */
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { makeDirs } from '../util/make-dirs.js';

/** Where reporters print: process.stdout/stderr, or a string buffer in tests. */
export interface Writer {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Write a file so a reader never sees a partial one: temp file in the same folder, then rename. */
export function writeFileAtomic(path: string, content: string): void {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true }); // a full disk must not leave the half-written temp file behind
    throw err;
  }
}

/** Last `maxLines` lines (at most `maxBytes`) of a cell's log; '' when there is none. */
export function readLogTail(reportDir: string, log: string | undefined, maxLines = 60, maxBytes = 8192): string {
  if (!log) return '';
  const path = resolve(reportDir, log);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return '';
  }
  // read only the tail: logs can be megabytes and there can be thousands of them
  const length = Math.min(size, maxBytes);
  const buf = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  let read = 0;
  try {
    while (read < length) {
      const n = readSync(fd, buf, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  let text = buf.subarray(0, read).toString('utf8');
  if (length < size) text = text.slice(text.indexOf('\n') + 1);
  return text.replace(/\n$/, '').split('\n').slice(-maxLines).join('\n');
}

/** Read a whole text file, or undefined when it does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
