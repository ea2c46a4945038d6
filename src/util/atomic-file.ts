/** Whole files that readers never see half-written: a temp file in the same folder, then a rename. */
import { renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { BufferedFile } from './buffered-file.js';
import { makeDirs } from './make-dirs.js';

/**
 * Write a file so a reader never sees a partial one: temp file in the same folder, then rename.
 * Content may come in pieces (a report of 100,000 cells is never held as one string). On any
 * failure the temp file is removed and the error thrown.
 */
export function writeFileAtomic(
  path: string,
  content: string | Uint8Array | Iterable<string>,
  opts: { durable?: boolean } = {},
): void {
  makeDirs(dirname(path));
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const file = new BufferedFile(tmp, 1 << 20);
  try {
    try {
      file.open();
      if (content instanceof Uint8Array) file.appendBytes(content);
      else for (const piece of typeof content === 'string' ? [content] : content) file.append(piece);
      // a cache that checks what it reads back may skip the fsync (5 ms each, 2,000 in a cold plan)
      if (opts.durable ?? true) file.sync();
    } finally {
      file.close();
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true }); // a full disk must not leave the half-written temp file behind
    throw err;
  }
}
