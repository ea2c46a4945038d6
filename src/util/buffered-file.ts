/**
 * A file written from the start in appends that are encoded straight into one reused buffer
 * and written together when it fills: one system call per many small appends (a log or an
 * event line per cell), and no string outlives its append, so what a run writes never piles up
 * as garbage in V8's old generation (peak RSS). Opened (truncated) at the first append, so an
 * unwritable path fails there; writes never come up short (writeAllSync).
 */
import { closeSync, constants, fsyncSync, openSync } from 'node:fs';
import { writeAllSync } from './write-all.js';

/**
 * The open(2) flags of `w` that also refuse a symbolic link as the file (ELOOP): a link planted
 * in a report folder must not send a report over a file elsewhere.
 */
export const WRITE_NO_FOLLOW =
  constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/** UTF-8 bytes per UTF-16 code unit, at most (a surrogate pair is 4 bytes for 2 units). */
const MAX_BYTES_PER_UNIT = 3;

export class BufferedFile {
  private fd: number | undefined;
  private readonly buf: Buffer;
  private used = 0;

  constructor(
    readonly path: string,
    size = 64 * 1024,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Create (truncate) the file now rather than at the first append. */
  open(): void {
    this.fd ??= openSync(this.path, WRITE_NO_FOLLOW, 0o666);
  }

  /** Append `text`; returns its length in bytes (UTF-8). */
  append(text: string): number {
    this.open();
    if (text.length * MAX_BYTES_PER_UNIT > this.buf.length - this.used) {
      this.flush();
      if (text.length * MAX_BYTES_PER_UNIT > this.buf.length) {
        const bytes = Buffer.from(text);
        writeAllSync(this.fd!, bytes);
        return bytes.length;
      }
    }
    const n = this.buf.write(text, this.used);
    this.used += n;
    return n;
  }

  /** Append bytes as they are (text already encoded, e.g. latin1). */
  appendBytes(bytes: Uint8Array): void {
    this.open();
    this.flush();
    writeAllSync(this.fd!, bytes);
  }

  /** Write what was appended so far. */
  flush(): void {
    if (this.fd !== undefined && this.used) writeAllSync(this.fd, this.buf.subarray(0, this.used));
    this.used = 0;
  }

  /** Write what was appended so far and wait until it is on disk. */
  sync(): void {
    this.flush();
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
