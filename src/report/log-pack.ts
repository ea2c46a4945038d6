/**
 * Where cell logs live in a run folder. A cell that did not pass (fail, flaky, error, timeout)
 * gets its own file, logs/<cell>.log, the one a user opens. Passing and skipped cells, usually
 * nearly all of a big matrix, share one file, logs/passed.log: each log is preceded by a
 * `==> <cell id> <==` line (as `tail` prints several files) and a cell refers to its bytes with
 * `logs/passed.log#<start>-<end>` (byte offsets, end exclusive). 100,000 file creations cost
 * more than simulating 100,000 cells (docs/benchmarks.md); one append each does not.
 */
import { join } from 'node:path';
import { BufferedFile } from '../util/buffered-file.js';

export const PACK_FILE = 'logs/passed.log';

/** The statuses whose logs are packed. */
export const packed = (status: string): boolean => status === 'pass' || status === 'skip';

/** A log reference split into its file (relative to the run folder) and its byte range, if any. */
export function parseLogRef(ref: string): { file: string; start?: number; end?: number } {
  const m = /^(.*)#(\d+)-(\d+)$/.exec(ref);
  if (!m) return { file: ref };
  const start = Number(m[2]);
  const end = Number(m[3]);
  return end >= start ? { file: m[1]!, start, end } : { file: ref };
}

/** The line before a cell's log in the pack. */
export const packHeader = (id: string): string => `==> ${id.replace(/[\r\n]/g, ' ')} <==\n`;

/** Lays logs out one after another in a pack: the same bytes whether a run or a merge writes them. */
export class PackLayout {
  private offset = 0;

  /** The header, the log's reference and where the header starts, for a log of `bytes` bytes. */
  place(id: string, bytes: number, header = packHeader(id)): { header: string; ref: string } {
    const start = this.offset + Buffer.byteLength(header);
    const end = start + bytes;
    this.offset = end + 1; // a newline after each log
    return { header, ref: `${PACK_FILE}#${start}-${end}` };
  }
}

/**
 * Appends logs to <reportDir>/logs/passed.log, synchronously, in writes of about 64 KB (the
 * file is read once the run has ended; a killed run writes no report that refers to it).
 */
export class LogPack {
  private readonly layout = new PackLayout();
  // small writes: a full disk stops the run within a few cells
  private readonly file: BufferedFile;

  constructor(reportDir: string) {
    // opened at the first append: a run with no passing cell has no pack
    this.file = new BufferedFile(join(reportDir, PACK_FILE), 64 * 1024);
  }

  append(id: string, text: string): string {
    // the header does not depend on the log's length, which encoding the log measures
    const header = packHeader(id);
    this.file.append(header);
    const bytes = this.file.append(text);
    this.file.append('\n');
    return this.layout.place(id, bytes, header).ref;
  }

  close(): void {
    this.file.close();
  }
}
