/**
 * Collects a process's output up to a byte cap, keeping the head and the tail (a kernel's
 * first report line and its last words are the interesting parts) and counting what fell
 * out of the middle, so 1 GB of output costs a bounded amount of memory.
 */

/** Default cap of a command's captured output: 10 MiB. */
export const DEFAULT_OUTPUT_CAP = 10 * 1024 * 1024;

export class CappedLog {
  /** Bytes kept from the start, and from the end. */
  readonly headCap: number;
  readonly tailCap: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  /** Bytes dropped from the middle. */
  dropped = 0;

  constructor(cap: number = DEFAULT_OUTPUT_CAP) {
    const total = Math.max(2, Math.floor(cap));
    this.headCap = Math.ceil(total / 2);
    this.tailCap = total - this.headCap;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  push(chunk: Buffer | string): void {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.headBytes < this.headCap) {
      const take = Math.min(buf.length, this.headCap - this.headBytes);
      this.head.push(buf.subarray(0, take));
      this.headBytes += take;
      buf = buf.subarray(take);
      if (buf.length === 0) return;
    }
    this.tail.push(buf);
    this.tailBytes += buf.length;
    while (this.tailBytes > this.tailCap) {
      const first = this.tail[0]!;
      const excess = this.tailBytes - this.tailCap;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
        this.dropped += first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
        this.dropped += excess;
      }
    }
  }

  /** Counts `bytes` of output between the head and the tail as dropped, unread (a file's middle). */
  skip(bytes: number): void {
    this.dropped += bytes;
  }

  /** The kept text, with a marker where the middle was cut. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    if (!this.truncated) return head + tail;
    const nl = head.endsWith('\n') ? '' : '\n';
    return `${head}${nl}[kmatrix: output truncated, ${this.dropped} bytes omitted]\n${tail}`;
  }
}
