import { describe, expect, it } from 'vitest';
import { bisectCell, formatBisectSummary, type ProbeCell } from '../../src/bisect/driver.js';
import { canRevert, historyWithRevert, revertedSwitches } from '../../src/bisect/revert.js';
import type { History } from '../../src/history/types.js';
import type { Cell } from '../../src/matrix/types.js';
import type { CellResult } from '../../src/report/schema.js';
import { BAD, fakeHistory, prng } from './helpers.js';

const cell: Cell = {
  id: 'i386-HIGHMEM_y-CMA_y',
  arch: 'i386',
  kconfig: { HIGHMEM: 'y', CMA: 'y' },
  resolved: { HIGHMEM: 'y', CMA: 'y' },
  boot: '',
  workload: 'boot',
  commit: 'x',
  commitLabel: 'x',
  machine: { memory: 2 ** 30, nodes: 1 },
  state: 'run',
};

/** A run function over a history: fails from `culprit` on, skips broken builds, records what it ran. */
function runner(history: History, culprit: number, ran: ProbeCell[][], flaky?: () => boolean) {
  return async (probes: ProbeCell[]): Promise<Array<Pick<CellResult, 'id' | 'status' | 'signature'>>> => {
    ran.push(probes);
    return probes.map((p) => {
      const i = history.index.get(p.cell.commit)!;
      if (history.commits[i]!.buildBroken) return { id: p.cell.id, status: 'skip' };
      const fails = i >= culprit && (flaky ? flaky() : true);
      return fails ? { id: p.cell.id, status: 'fail', signature: BAD } : { id: p.cell.id, status: 'pass' };
    });
  };
}

describe('bisectCell', () => {
  it('names the culprit with its subject and writes the issue-5 record', async () => {
    const h = fakeHistory(200, { 137: { cmaEarly: true } });
    const ran: ProbeCell[][] = [];
    const report = await bisectCell({
      cell,
      history: h,
      good: 10,
      bad: 190,
      jobs: 3,
      run: runner(h, 137, ran),
      verify: async (c) => c === 137,
    });
    expect(report.culprit).toEqual({ sha: h.commits[137]!.sha, subject: 'commit 137' });
    expect(report.candidates).toEqual([h.commits[137]!.sha]);
    expect(report.good).toBe(h.commits[10]!.sha);
    expect(report.bad).toBe(h.commits[190]!.sha);
    expect(report.verified).toBe(true);
    expect(report.confidence).toBe(1);
    expect(report.signature).toBe(BAD);
    expect(report.rounds).toBeLessThanOrEqual(4); // ceil(log4 180) = 4
    expect(report.tests).toBe(report.log.length);
    expect(report.log[0]).toEqual({
      round: 0,
      commit: h.commits[10]!.sha,
      status: 'good',
      runs: { pass: 1, fail: 0, other: 0, skip: 0 },
    });
    expect(report.log.find((e) => e.commit === h.commits[190]!.sha)).toMatchObject({
      round: 0,
      status: 'bad',
      signature: BAD,
    });
    // the ends round's spare slot already probed the middle of the range
    expect(report.log.filter((e) => e.round === 0).map((e) => e.commit)).toEqual(
      [10, 100, 190].map((i) => h.commits[i]!.sha),
    );
    // every round ran at most k probes, each a distinct commit
    for (const round of ran.slice(1)) {
      expect(round.length).toBeLessThanOrEqual(3);
      expect(new Set(round.map((p) => p.cell.commit)).size).toBe(round.length);
    }
    expect(formatBisectSummary(report, h)).toMatch(/^first bad commit: c0000000\w+ commit 137\n/);
  });

  it('routes around broken builds and gives a candidate list when they border the culprit', async () => {
    const h = fakeHistory(64, {}, new Set([40, 41]));
    const report = await bisectCell({ cell, history: h, good: 0, bad: 63, jobs: 1, run: runner(h, 42, []) });
    expect(report.culprit).toBeNull();
    expect(report.candidates).toEqual([40, 41, 42].map((i) => h.commits[i]!.sha));
    expect(report.verified).toBeNull();
    const text = formatBisectSummary(report, h);
    expect(text).toMatch(/the first bad commit is one of:/);
    expect(text).toMatch(/2 untestable commits routed around/);
  });

  it('refuses when the good end already fails', async () => {
    const h = fakeHistory(30);
    const ran: ProbeCell[][] = [];
    const report = await bisectCell({ cell, history: h, good: 5, bad: 20, jobs: 2, run: runner(h, 3, ran) });
    expect(report.refused).toMatch(/good end fails too/);
    expect(report.culprit).toBeNull();
    expect(ran).toHaveLength(1);
    expect(formatBisectSummary(report, h)).toMatch(
      /cannot bisect i386-HIGHMEM_y-CMA_y: the good end fails too/,
    );
  });

  it('replays a finished log without running anything, and resumes a partial one', async () => {
    const h = fakeHistory(500);
    const first = await bisectCell({ cell, history: h, good: 0, bad: 499, jobs: 2, run: runner(h, 321, []) });
    const ran: ProbeCell[][] = [];
    const replayed = await bisectCell({
      cell,
      history: h,
      good: 0,
      bad: 499,
      jobs: 2,
      replay: first.log,
      run: runner(h, 321, ran),
    });
    expect(ran).toHaveLength(0);
    expect(replayed).toEqual(first);
    const resumed = await bisectCell({
      cell,
      history: h,
      good: 0,
      bad: 499,
      jobs: 2,
      replay: first.log.filter((e) => e.round < 3),
      run: runner(h, 321, ran),
    });
    expect(resumed).toEqual(first);
    expect(ran.length).toBe(first.rounds + 1 - 3);
  });

  it('stops at an interruption with the remaining range; a replay of its log finishes the job', async () => {
    const h = fakeHistory(300);
    const ac = new AbortController();
    const ran: ProbeCell[][] = [];
    const inner = runner(h, 123, ran);
    const report = await bisectCell({
      cell,
      history: h,
      good: 0,
      bad: 299,
      jobs: 2,
      signal: ac.signal,
      run: async (probes) => {
        const r = await inner(probes);
        if (ran.length === 2) ac.abort();
        return r;
      },
    });
    expect(ran).toHaveLength(2);
    expect(report.culprit).toBeNull();
    expect(report.candidates).toEqual([]);
    expect(report.remaining).toEqual({ good: h.commits[99]!.sha, bad: h.commits[199]!.sha, commits: 100 });
    expect(formatBisectSummary(report, h)).toMatch(
      new RegExp(
        [
          /^bisection did not finish: the first bad commit is after c0{10}\w+ commit 99 /.source,
          /and at or before c0{10}\w+ commit 199 \(100 commits\)/.source,
        ].join(''),
      ),
    );
    const resumed = await bisectCell({
      cell,
      history: h,
      good: 0,
      bad: 299,
      jobs: 2,
      replay: report.log,
      run: runner(h, 123, []),
    });
    expect(resumed.culprit?.subject).toBe('commit 123');
    expect(resumed.remaining).toBeUndefined();
  });

  it('repeats flaky runs with distinct probe ids and repetition numbers', async () => {
    const h = fakeHistory(100);
    const ran: ProbeCell[][] = [];
    const rand = prng(3);
    const report = await bisectCell({
      cell,
      history: h,
      good: 0,
      bad: 99,
      jobs: 2,
      repeat: 5,
      run: runner(h, 60, ran, () => rand() < 0.5),
    });
    const all = ran.flat();
    expect(new Set(all.map((p) => p.cell.id)).size).toBe(all.length);
    expect(ran[1]!.length).toBe(10);
    expect(report.repeat).toBe(5);
    expect(report.runs).toBe(all.length);
    expect(report.failureProbability).toBeGreaterThan(0.2);
    expect(report.failureProbability).toBeLessThan(0.8);
    expect(report.culprit?.subject).toBe('commit 60');
  });
});

describe('revert check', () => {
  it("reverts the culprit's switches to their values before it, at the bad end only", () => {
    const h = fakeHistory(10, {
      2: { cmaEarly: true, zoneMovable: 1 },
      5: { cmaEarly: 'late' },
      7: { other: 1 },
    });
    expect(revertedSwitches(h, 5)).toEqual({ cmaEarly: true });
    const r = historyWithRevert(h, 5, 9);
    expect(r.stateAt(9).switches).toEqual({ cmaEarly: true, zoneMovable: 1, other: 1 });
    expect(r.stateAt(8).switches).toEqual(h.stateAt(8).switches);
    expect(historyWithRevert(h, 2, 9).stateAt(9).switches).toEqual({ cmaEarly: false, other: 1 });
    expect(canRevert(h, 5)).toBe(true);
    expect(canRevert(h, 4)).toBe(false);
  });
});
