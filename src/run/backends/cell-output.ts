/**
 * A cell's output when a spawner shell runs it (spawner.ts): the shell sends the program's
 * stdout and stderr to a file of that cell's own in the spawner folder, and kmatrix reads it
 * once the program has exited. A process the cell leaves behind (a `setsid` daemon holding
 * the output) then writes only into that cell's file, which is gone by then, never into a
 * later cell's output; and the cell ends when its program exits, whoever else holds the file.
 * Only the head and the tail a CappedLog keeps are read, so a flood costs disk, not memory.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { CappedLog } from '../capped-log.js';

/** What the shell found of a cell's output file after the program ended (its end report). */
export type OutputState = 'some' | 'empty' | 'missing';

/** The shell's one-letter word for OutputState. */
export function outputState(letter: string | undefined): OutputState | undefined {
  return letter === 's' ? 'some' : letter === 'e' ? 'empty' : letter === 'm' ? 'missing' : undefined;
}

/**
 * Moves what the file holds into `log` (head and tail, the middle counted as dropped); the
 * caller removes the file. Resolves to why it could not be read, or undefined.
 */
export async function collectOutput(
  file: string,
  state: OutputState,
  log: CappedLog,
): Promise<string | undefined> {
  if (state === 'missing') return `its output file ${file} is gone`;
  let fh: FileHandle | undefined;
  try {
    if (state === 'empty') return undefined;
    // a program may have put something else at its output's name: read only a regular file
    fh = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = await fh.stat();
    if (!stat.isFile()) return `its output ${file} is not a regular file`;
    const { size } = stat;
    if (size <= log.headCap + log.tailCap) log.push(await readAt(fh, size, 0));
    else {
      log.push(await readAt(fh, log.headCap, 0));
      log.skip(size - log.headCap - log.tailCap);
      log.push(await readAt(fh, log.tailCap, size - log.tailCap));
    }
    return undefined;
  } catch (e) {
    return `cannot read its output: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/** `length` bytes from `position`, fewer where the file ends first. */
async function readAt(fh: FileHandle, length: number, position: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}
