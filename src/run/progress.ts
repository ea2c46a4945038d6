/**
 * The progress line on stderr: redrawn in place (\r) on a terminal, a plain line every few
 * seconds otherwise so CI logs stay readable.
 */
import type { Status } from '../report/schema.js';

export interface ProgressCounts {
  done: number;
  total: number;
  passed: number;
  failed: number;
  errors: number;
  cached: number;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** e.g. "[ 120/1000] 100 passed, 20 failed, 40 cached | 0:12 elapsed, ETA 1:30". */
export function formatProgress(c: ProgressCounts, elapsedMs: number): string {
  const width = String(c.total).length;
  const parts = [`${c.passed} passed`, `${c.failed} failed`];
  if (c.errors) parts.push(`${c.errors} errors`);
  if (c.cached) parts.push(`${c.cached} cached`);
  const eta =
    c.done > 0 && c.done < c.total ? `, ETA ${clock((elapsedMs / c.done) * (c.total - c.done))}` : '';
  const counter = `[${String(c.done).padStart(width)}/${c.total}]`;
  return `${counter} ${parts.join(', ')} | ${clock(elapsedMs)} elapsed${eta}`;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class ProgressLine {
  private readonly counts: ProgressCounts;
  private readonly started: number;
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;

  constructor(
    total: number,
    private readonly stream: ProgressStream,
    private readonly now: () => number = Date.now,
    /** Plain-line period when the stream is not a terminal. */
    intervalMs = 5000,
  ) {
    this.counts = { done: 0, total, passed: 0, failed: 0, errors: 0, cached: 0 };
    this.started = now();
    this.timer = setInterval(() => this.draw(), stream.isTTY ? 500 : intervalMs);
    this.timer.unref();
  }

  update(r: { status: Status; cached: boolean }): void {
    this.counts.done++;
    if (r.cached) this.counts.cached++;
    if (r.status === 'pass' || r.status === 'flaky') this.counts.passed++;
    else if (r.status === 'fail' || r.status === 'timeout') this.counts.failed++;
    else if (r.status === 'error') this.counts.errors++;
    if (this.stream.isTTY && this.now() - this.lastDraw >= 100) this.draw();
  }

  private draw(): void {
    this.lastDraw = this.now();
    const line = formatProgress(this.counts, this.lastDraw - this.started);
    this.stream.write(this.stream.isTTY ? `\r${line}\x1b[K` : `${line}\n`);
  }

  /** Stop the timer and clear (terminal) or finish with a last line (CI). */
  finish(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    else if (this.counts.done > 0) this.draw();
  }
}
