/** The small amount of file-system plumbing every reporter shares. */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { RunLogs } from './log-ref.js';

export { writeFileAtomic } from '../util/atomic-file.js';

/** Where reporters print: process.stdout/stderr, or a string buffer in tests. */
export interface Writer {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

/** Pieces joined into writes of about `size` characters: few system calls, no whole-file string. */
export function* batched(chunks: Iterable<string>, size = 1 << 20): Generator<string> {
  let batch = '';
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length >= size) {
      yield batch;
      batch = '';
    }
  }
  if (batch) yield batch;
}

/** Last `maxLines` lines (at most `maxBytes`) of a cell's log; '' when there is none. */
export function readLogTail(
  reportDir: string,
  log: string | undefined,
  maxLines = 60,
  maxBytes = 8192,
): string {
  if (!log) return '';
  // the reference is resolved inside the run folder, its range bounded by the file's size
  const ref = new RunLogs(reportDir).resolve(log);
  if (typeof ref === 'string' || !ref.path) return '';
  const path = ref.path;
  const from = ref.start;
  const to = ref.end;
  // read only the tail: logs can be megabytes and there can be thousands of them
  const length = Math.min(to - from, maxBytes);
  const text = readRange(path, to - length, length);
  const whole = length < to - from ? text.slice(text.indexOf('\n') + 1) : text;
  return whole.replace(/\n$/, '').split('\n').slice(-maxLines).join('\n');
}

/** `length` bytes of a file from `position`, as text (fewer when the file is shorter). */
export function readRange(path: string, position: number, length: number): string {
  return readBytes(path, position, length).toString('utf8');
}

/** `length` bytes of a file from `position` (fewer when the file is shorter). */
export function readBytes(path: string, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  let read = 0;
  try {
    while (read < length) {
      const n = readSync(fd, buf, read, length - read, position + read);
      if (n === 0) break;
      read += n;
    }
  } finally {
    closeSync(fd);
  }
  return buf.subarray(0, read);
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
