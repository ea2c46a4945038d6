import { describe, expect, it } from 'vitest';
import { CappedLog } from '../../src/run/capped-log.js';
import { logPathOf, safeFileName } from '../../src/run/log-files.js';

describe('CappedLog', () => {
  it('keeps everything under the cap', () => {
    const log = new CappedLog(100);
    log.push('hello ');
    log.push(Buffer.from('world\n'));
    expect(log.truncated).toBe(false);
    expect(log.text()).toBe('hello world\n');
  });

  it('keeps the head and the tail and counts what it dropped', () => {
    const log = new CappedLog(20);
    log.push('HEAD-0123\n');
    for (let i = 0; i < 100; i++) log.push('middle line\n');
    log.push('the end\n');
    expect(log.truncated).toBe(true);
    const text = log.text();
    expect(text.startsWith('HEAD-0123\n')).toBe(true);
    expect(text.endsWith(']\ne\nthe end\n')).toBe(true);
    expect(log.dropped).toBe(10 + 1200 + 8 - 20);
    expect(text).toContain(`[kmatrix: output truncated, ${log.dropped} bytes omitted]`);
  });
});

describe('log file names', () => {
  it('keeps safe ids and sanitises the rest into distinct names', () => {
    expect(safeFileName('x86_64-HIGHMEM=y-boot')).toBe('x86_64-HIGHMEM=y-boot');
    expect(logPathOf('../../etc/passwd')).toMatch(/^logs\/_+etc_passwd-[0-9a-f]{10}\.log$/);
    expect(safeFileName('a/b')).not.toBe(safeFileName('a_b'));
    expect(safeFileName('.hidden').startsWith('.')).toBe(false);
    expect(safeFileName('x'.repeat(500)).length).toBeLessThanOrEqual(171);
    expect(safeFileName('')).toMatch(/^cell-[0-9a-f]{10}$/);
  });
});
