/**
 * A file written from the start in appends that are gathered and written together, about
 * `flushAt` characters at a time: one system call per many small appends (a log or an event
 * line per cell), strings concatenated as V8 ropes and converted once, at the write. Opened
 * (truncated) at the first append, so an unwritable path fails there; writes never come up
 * short (writeAllSync).
 */
import { closeSync, openSync } from 'node:fs';
import { writeAllSync } from './write-all.js';

export class BufferedFile {
  private fd: number | undefined;
  private pending = '';

  constructor(
    readonly path: string,
    private readonly flushAt = 64 * 1024,
  ) {}

  append(text: string): void {
    this.fd ??= openSync(this.path, 'w');
    this.pending += text;
    if (this.pending.length >= this.flushAt) this.flush();
  }

  /** Write what was appended so far. */
  flush(): void {
    if (this.fd !== undefined && this.pending) writeAllSync(this.fd, this.pending);
    this.pending = '';
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
