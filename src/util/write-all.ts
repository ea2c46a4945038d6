/**
 * `fs.writeSync` may write less than it was given and say so only in its return value (a disk
 * that fills up mid-write); the next call then fails with ENOSPC. This writes everything or
 * throws, so a full disk is an error, never a silently shortened file.
 */
import { writeSync } from 'node:fs';

export function writeAllSync(fd: number, data: string | Uint8Array): void {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  let done = 0;
  while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
}
