import { describe, expect, it } from 'vitest';
import { endReason, summarize, summaryLine } from '../../src/report/summary.js';
import { fixtureReport } from './helpers.js';

describe('summarize', () => {
  it('counts the fixture exactly as its report.json says', () => {
    const r = fixtureReport();
    expect(summarize(r.cells)).toEqual({
      total: 33,
      passed: 17,
      failed: 3,
      flaky: 1,
      skipped: 1,
      invalid: 8,
      duplicate: 1,
      errors: 1,
      timeouts: 1,
      executed: 23,
      cached: 1,
    });
  });

  it('counts nothing for no cells and says so in the line', () => {
    const s = summarize([]);
    expect(s.total).toBe(0);
    expect(summaryLine(s)).toBe('0 cells: none run (0 executed, 0 cached)');
  });

  it('prints only non-zero counts in the summary line', () => {
    expect(summaryLine(summarize(fixtureReport().cells))).toBe(
      '33 cells: 17 passed, 3 failed, 1 flaky, 1 timeout, 1 error, 1 skipped, 8 invalid, 1 duplicate ' +
        '(23 executed, 1 cached)',
    );
  });

  it('derives the end reason: interrupted wins, then failures', () => {
    const s = summarize(fixtureReport().cells);
    expect(endReason(s, true)).toBe('interrupted');
    expect(endReason(s, false)).toBe('failed');
    expect(
      endReason(
        summarize(fixtureReport().cells.filter((c) => c.status === 'pass' || c.status === 'flaky')),
        false,
      ),
    ).toBe('passed');
  });
});
