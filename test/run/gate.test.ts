import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/report/summary.js';
import { baselineFromReport, compareToBaseline, parseBaseline } from '../../src/run/baseline.js';
import { gateExitCode } from '../../src/run/gate.js';
import type { CellResult, RunReport, Status } from '../../src/report/schema.js';

function result(id: string, status: Status, signature?: string): CellResult {
  return {
    id,
    arch: 'x86_64',
    kconfig: {},
    resolved: {},
    boot: '',
    workload: 'boot',
    commit: 'c',
    status,
    durationMs: 1,
    attempts: 1,
    cached: false,
    ...(signature ? { signature } : {}),
  };
}

const gate = (
  cells: CellResult[],
  over: { interrupted?: boolean; strict?: boolean; newFailures?: number } = {},
) => gateExitCode({ summary: summarize(cells), interrupted: false, strict: false, ...over });

describe('gateExitCode', () => {
  it('maps every status to its exit code', () => {
    expect(
      gate([result('a', 'pass'), result('b', 'skip'), result('c', 'invalid'), result('d', 'duplicate')]),
    ).toBe(0);
    expect(gate([result('a', 'pass'), result('b', 'fail', 'BUG: x')])).toBe(1);
    expect(gate([result('a', 'timeout')])).toBe(1);
    expect(gate([result('a', 'flaky', 'BUG: y')])).toBe(0);
    expect(gate([result('a', 'flaky', 'BUG: y')], { strict: true })).toBe(1);
    expect(gate([result('a', 'fail'), result('b', 'error')])).toBe(3);
    expect(gate([result('a', 'error')], { interrupted: true })).toBe(130);
    expect(gate([result('a', 'fail')], { newFailures: 0 })).toBe(0);
    expect(gate([result('a', 'fail')], { newFailures: 1 })).toBe(1);
  });
});

describe('baselines', () => {
  const before = [
    result('a', 'fail', 'BUG: known'),
    result('b', 'timeout'),
    result('c', 'pass'),
    result('d', 'fail', 'BUG: old'),
    result('e', 'flaky', 'BUG: f'),
  ];
  const baseline = baselineFromReport({ matrix: 'm', cells: before }, '2024-01-01T00:00:00.000Z');

  it('records failing cells with their signatures', () => {
    expect(baseline.failures).toEqual({ a: ['BUG: known'], b: ['timeout'], d: ['BUG: old'], e: ['BUG: f'] });
  });

  it('passes on known failures, fails on a new cell or a new signature, lists fixed cells', () => {
    const now = [
      result('a', 'fail', 'BUG: known'),
      result('b', 'timeout'),
      result('c', 'fail', 'BUG: new'),
      result('d', 'pass'),
      result('e', 'fail', 'BUG: other'),
    ];
    const cmp = compareToBaseline(now, baseline, false);
    expect(cmp.knownFailures.map((r) => r.id)).toEqual(['a', 'b']);
    expect(cmp.newFailures.map((r) => r.id)).toEqual(['c', 'e']);
    expect(cmp.fixed).toEqual(['d']);
    const onlyKnown = compareToBaseline([result('a', 'fail', 'BUG: known')], baseline, false);
    expect(onlyKnown.newFailures).toEqual([]);
  });

  it('counts a flaky cell as new only under --strict', () => {
    expect(compareToBaseline([result('c', 'flaky', 'BUG: z')], baseline, false).newFailures).toEqual([]);
    expect(
      compareToBaseline([result('c', 'flaky', 'BUG: z')], baseline, true).newFailures.map((r) => r.id),
    ).toEqual(['c']);
  });

  it('parses a baseline file and a report.json; rejects anything else with the file name', () => {
    expect(parseBaseline(JSON.stringify(baseline), 'b.json')).toEqual(baseline);
    const report: RunReport = {
      version: 1,
      matrix: 'm',
      startedAt: 'T',
      durationMs: 5,
      interrupted: false,
      summary: summarize(before),
      cells: before,
    };
    expect(parseBaseline(JSON.stringify(report), 'r.json').failures).toEqual(baseline.failures);
    expect(() => parseBaseline('{', 'x.json')).toThrow(/^x\.json: not a baseline or report\.json/);
    expect(() => parseBaseline('{"kind":"kmatrix-baseline","version":2}', 'y.json')).toThrow(
      /^y\.json: not a baseline/,
    );
  });
});
