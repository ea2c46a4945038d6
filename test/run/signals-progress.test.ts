import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { formatProgress, ProgressLine } from '../../src/run/progress.js';
import { handleSignals } from '../../src/run/signals.js';

describe('handleSignals', () => {
  it('first signal stops, second kills, and dispose removes the handlers', () => {
    const proc = new EventEmitter();
    const out: string[] = [];
    const h = handleSignals({ write: (t: string) => out.push(t) }, proc);
    proc.emit('SIGTERM', 'SIGTERM');
    expect([h.stop.aborted, h.kill.aborted]).toEqual([true, false]);
    proc.emit('SIGINT', 'SIGINT');
    expect(h.kill.aborted).toBe(true);
    expect(out.join('')).toMatch(/SIGTERM: stopping[\s\S]*SIGINT again: killing/);
    h.dispose();
    expect(proc.listenerCount('SIGINT')).toBe(0);
  });
});

describe('progress', () => {
  it('formats counts, elapsed and ETA', () => {
    expect(
      formatProgress({ done: 25, total: 100, passed: 20, failed: 5, errors: 0, cached: 0 }, 10_000),
    ).toBe('[ 25/100] 20 passed, 5 failed | 0:10 elapsed, ETA 0:30');
    expect(formatProgress({ done: 3, total: 3, passed: 1, failed: 1, errors: 1, cached: 2 }, 3_723_000)).toBe(
      '[3/3] 1 passed, 1 failed, 1 errors, 2 cached | 1:02:03 elapsed',
    );
  });

  it('redraws in place on a terminal and prints plain lines otherwise', () => {
    let t = 0;
    const tty: string[] = [];
    const p = new ProgressLine(2, { write: (s: string) => tty.push(s), isTTY: true }, () => (t += 200));
    p.update({ status: 'pass', cached: false });
    p.finish();
    expect(tty[0]).toMatch(/^\r\[1\/2\] 1 passed, 0 failed \| 0:00 elapsed, ETA 0:00\x1b\[K$/);
    expect(tty.at(-1)).toBe('\r\x1b[K');
    const ci: string[] = [];
    const q = new ProgressLine(2, { write: (s: string) => ci.push(s), isTTY: false }, () => 0);
    q.update({ status: 'fail', cached: false });
    q.update({ status: 'pass', cached: true });
    q.finish();
    expect(ci).toEqual(['[2/2] 1 passed, 1 failed, 1 cached | 0:00 elapsed\n']);
  });
});
