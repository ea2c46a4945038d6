/** Counting a run: the one summary function the run engine and every reporter share. */
import type { CellResult, Status, Summary } from './schema.js';
import type { RunEndReason } from './types.js';

/**
 * Count cells by status. `executed` counts cells a backend
 * actually ran in this run (not cached, not planned away).
 */
export function summarize(cells: readonly CellResult[]): Summary {
  const s: Summary = {
    total: 0,
    passed: 0,
    failed: 0,
    flaky: 0,
    skipped: 0,
    invalid: 0,
    duplicate: 0,
    errors: 0,
    timeouts: 0,
    executed: 0,
    cached: 0,
  };
  for (const c of cells) {
    s.total++;
    s[COUNTER[c.status]]++;
    if (c.cached) s.cached++;
    else if (c.status !== 'invalid' && c.status !== 'duplicate') s.executed++;
  }
  return s;
}

const COUNTER: Record<Status, keyof Summary> = {
  pass: 'passed',
  fail: 'failed',
  flaky: 'flaky',
  skip: 'skipped',
  invalid: 'invalid',
  duplicate: 'duplicate',
  error: 'errors',
  timeout: 'timeouts',
};

/** Statuses that mean "something is wrong with this cell" and get a signature group. */
export const PROBLEM_STATUSES: readonly Status[] = ['fail', 'timeout', 'error', 'flaky'];

/** The reason a finished run reports when the engine did not say. */
export function endReason(summary: Summary, interrupted: boolean): RunEndReason {
  if (interrupted) return 'interrupted';
  return summary.failed + summary.timeouts + summary.errors > 0 ? 'failed' : 'passed';
}

/** "24 cells: 18 passed, 3 failed, 1 flaky, 2 skipped" - zero counts left out. */
export function summaryLine(s: Summary): string {
  const parts: string[] = [];
  const add = (n: number, label: string) => {
    if (n > 0) parts.push(`${n} ${label}`);
  };
  add(s.passed, 'passed');
  add(s.failed, 'failed');
  add(s.flaky, 'flaky');
  add(s.timeouts, s.timeouts === 1 ? 'timeout' : 'timeouts');
  add(s.errors, s.errors === 1 ? 'error' : 'errors');
  add(s.skipped, 'skipped');
  add(s.invalid, 'invalid');
  add(s.duplicate, s.duplicate === 1 ? 'duplicate' : 'duplicates');
  const cellWord = s.total === 1 ? 'cell' : 'cells';
  const counted = parts.join(', ') || 'none run';
  return `${s.total} ${cellWord}: ${counted} (${s.executed} executed, ${s.cached} cached)`;
}
