/** A dmesg-like log with deterministic timestamps, and the hex formatting the kernel uses. */

/** `0x` + zero-padded lower-case hex, like %#0Nllx. */
export function hex(n: number | bigint, width = 16): string {
  return '0x' + n.toString(16).padStart(width, '0');
}

/** Bare zero-padded hex, like %0Nlx. */
export function xdigits(n: number | bigint, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** `[mem 0x...-0x...]` for a half-open byte range. */
export function memRange(start: number, end: number): string {
  return `[mem ${hex(start)}-${hex(end - 1)}]`;
}

/**
 * Lines with timestamps: boot-time lines before the scheduler runs are stamped 0.000000 like
 * the real early log; after `startClock()` every line advances the clock by a fixed step, so
 * the same input always gives the same bytes.
 */
export class KernelLog {
  /** Text of the lines logged before this log was forked from another, each ending in a newline. */
  private head = '';
  private readonly lines: string[] = [];
  /** text(), remembered for forks until the next line. */
  private joined: string | undefined;
  private micros = 0;
  private running = false;

  line(text: string): void {
    if (this.running) this.micros += 3271;
    const s = Math.floor(this.micros / 1e6);
    const us = this.micros % 1e6;
    this.joined = undefined;
    this.lines.push(`[${String(s).padStart(5)}.${String(us).padStart(6, '0')}] ${text}`);
  }

  /** Several lines at the same stage. */
  lines_(texts: readonly string[]): void {
    for (const t of texts) this.line(t);
  }

  /** Leave the early-boot stage: the clock starts ticking from `seconds`. */
  startClock(seconds: number): void {
    if (!this.running) this.micros = Math.max(this.micros, Math.round(seconds * 1e6));
    this.running = true;
  }

  /** Jump the clock forward (a hung task is noticed 120 s later). */
  advance(seconds: number): void {
    this.micros += Math.round(seconds * 1e6);
  }

  /**
   * A log that goes on from this one (same lines, same clock); what either logs next the other
   * does not see.
   */
  fork(): KernelLog {
    const f = new KernelLog();
    f.head = this.text();
    f.micros = this.micros;
    f.running = this.running;
    return f;
  }

  text(): string {
    if (this.joined === undefined) {
      const tail = this.lines.length || !this.head ? `${this.lines.join('\n')}\n` : '';
      this.joined = this.head + tail;
    }
    return this.joined;
  }
}
