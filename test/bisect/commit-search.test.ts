import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyResults,
  nextRound,
  outcome,
  phase,
  replayLog,
  startSearch,
} from '../../src/bisect/commit-search.js';
import { classify } from '../../src/bisect/verdict.js';
import { BAD, ceilLog, deterministic, drive, prng } from './helpers.js';

describe('commit search on skip-free deterministic ranges', () => {
  it('finds the culprit by binary search (k=1) in 2..10 commits, every position', () => {
    for (let n = 2; n <= 10; n++) {
      for (let c = 1; c < n; c++) {
        const { result } = drive(n, 1, deterministic(c));
        expect(result.phase).toBe('done');
        expect(result.culprit).toBe(c);
        expect(result.candidates).toEqual([c]);
        expect(result.confidence).toBe(1);
      }
    }
  });

  it('property: the culprit is found and rounds stay within one of ceil(log_{k+1} N)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (N, k, where) => {
          // N commits after the good end: indices 0..N, culprit in 1..N
          const culprit = 1 + Math.min(N - 1, Math.floor(where * N));
          const { result, state } = drive(N + 1, k, deterministic(culprit));
          expect(result.culprit).toBe(culprit);
          const bound = ceilLog(N, k + 1);
          expect(Math.abs(result.rounds - bound)).toBeLessThanOrEqual(1);
          // wall-clock rounds, the ends check included, never exceed the bound plus that check
          expect(state.round).toBeLessThanOrEqual(bound + 1);
          expect(result.tests).toBeLessThanOrEqual(Math.max(2, k) + k * (state.round - 1));
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('k=1 on 1024 commits takes exactly log2 rounds, like git bisect', () => {
    const { result } = drive(1025, 1, deterministic(700));
    expect(result.rounds).toBe(10);
    expect(result.tests).toBe(12);
  });

  it('each round tests k distinct commits strictly inside the range', () => {
    const state = applyResults(startSearch(101), [
      { index: 0, runs: [{ verdict: 'pass' }] },
      { index: 100, runs: [{ verdict: 'fail', signature: BAD }] },
    ]);
    expect(nextRound(state, 4).map((p) => p.index)).toEqual([20, 40, 60, 80]);
    expect(nextRound(state, 1).map((p) => p.index)).toEqual([50]);
  });
});

describe('ends check', () => {
  it('tests both ends first, in round 0, with spare slots already probing the interior', () => {
    expect(nextRound(startSearch(50, { repeat: 3 }), 2)).toEqual([
      { index: 0, runs: 3, purpose: 'ends' },
      { index: 49, runs: 3, purpose: 'ends' },
    ]);
    expect(nextRound(startSearch(50, { repeat: 3 }), 4)).toEqual([
      { index: 0, runs: 3, purpose: 'ends' },
      { index: 16, runs: 3, purpose: 'search' },
      { index: 32, runs: 3, purpose: 'search' },
      { index: 49, runs: 3, purpose: 'ends' },
    ]);
  });

  it('ignores the interior probes of round 0 when the ends check refuses', () => {
    const { result, state } = drive(50, 4, () => ({ verdict: 'pass' }));
    expect(result.phase).toBe('refused');
    expect(state.log).toHaveLength(4);
    expect(result.candidates).toEqual([]);
  });

  it('refuses when the good end fails', () => {
    const { result } = drive(20, 2, () => ({ verdict: 'fail', signature: BAD }));
    expect(result.phase).toBe('refused');
    expect(result.refusal).toMatch(/good end fails too/);
    expect(result.culprit).toBeNull();
  });

  it('refuses when the bad end passes', () => {
    const { result } = drive(20, 2, () => ({ verdict: 'pass' }));
    expect(result.phase).toBe('refused');
    expect(result.refusal).toMatch(/bad end passes/);
  });

  it('refuses when the bad end fails with another signature than the expected one', () => {
    const { result } = drive(20, 2, deterministic(5), { badSignature: 'Kernel panic - not syncing' });
    expect(result.refusal).toMatch(/bad end fails with BUG: Bad page state.*not Kernel panic/);
  });
});

describe('untestable commits', () => {
  it('routes around a skip range away from the culprit and still names it exactly', () => {
    const skips = new Set([40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51]);
    const { result, state } = drive(101, 1, deterministic(80, skips));
    expect(result.culprit).toBe(80);
    expect(state.log.filter((e) => e.status === 'skip').length).toBeGreaterThan(0);
  });

  it('gives an honest candidate list when skips border the culprit', () => {
    const skips = new Set([60, 61, 62]);
    const { result } = drive(101, 2, deterministic(62, skips));
    expect(result.phase).toBe('done');
    expect(result.culprit).toBeNull();
    expect(result.candidates).toEqual([60, 61, 62, 63]);
    expect(result.confidence).toBe(1);
  });

  it('property: with random skip ranges the candidate list always contains the culprit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 5000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 30 })), {
          maxLength: 5,
        }),
        (n, k, where, ranges) => {
          const culprit = 1 + Math.floor(where * (n - 1)) - (where === 1 ? 1 : 0);
          const skips = new Set<number>();
          for (const [at, len] of ranges) {
            const start = 1 + Math.floor(at * (n - 2));
            for (let i = start; i < Math.min(n - 1, start + len); i++) skips.add(i);
          }
          const { result } = drive(n, k, deterministic(culprit, skips));
          expect(result.phase).toBe('done');
          expect(result.candidates).toContain(culprit);
          if (result.culprit !== null) expect(result.culprit).toBe(culprit);
          // every candidate but the first bad one is an untestable commit
          for (const c of result.candidates.slice(0, -1)) expect(skips.has(c)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  it('treats a failure with a different signature as untestable (syzbot rule) and logs it', () => {
    const other = new Map([[30, 'WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4400']]);
    const { result, state } = drive(65, 1, deterministic(31, new Set(), other));
    const entry = state.log.find((e) => e.index === 30);
    expect(entry?.status).toBe('mismatch');
    expect(entry?.signature).toBe('WARNING: CPU: 0 PID: 1 at mm/page_alloc.c:4400');
    expect(result.culprit).toBeNull();
    expect(result.candidates).toEqual([30, 31]);
  });

  it('a mismatching commit far from the culprit does not hide it', () => {
    const other = new Map([[32, 'Kernel panic - not syncing: Out of memory']]);
    const { result } = drive(65, 1, deterministic(50, new Set(), other));
    expect(result.culprit).toBe(50);
  });
});

describe('flaky tests', () => {
  it('classifies with syzbot-like thresholds', () => {
    expect(classify({ pass: 9, fail: 1, other: 0, skip: 0 })).toBe('bad');
    expect(classify({ pass: 10, fail: 0, other: 0, skip: 0 })).toBe('good');
    expect(classify({ pass: 4, fail: 0, other: 0, skip: 6 })).toBe('skip');
    expect(classify({ pass: 0, fail: 1, other: 0, skip: 9 })).toBe('skip');
    expect(classify({ pass: 9, fail: 0, other: 1, skip: 0 })).toBe('mismatch');
    expect(classify({ pass: 5, fail: 0, other: 0, skip: 5 })).toBe('good');
  });

  it('finds the right commit in >= 99% of 300 seeded trials with p=0.3 and repeat 10', () => {
    let right = 0;
    const trials = 300;
    let lowConfidenceRight = 0;
    for (let t = 0; t < trials; t++) {
      const rand = prng(1000 + t);
      const n = 2 + Math.floor(rand() * 2000);
      const culprit = 1 + Math.floor(rand() * (n - 1));
      const k = 1 + Math.floor(rand() * 4);
      const oracle = (i: number) =>
        i >= culprit && rand() < 0.3
          ? { verdict: 'fail' as const, signature: BAD }
          : { verdict: 'pass' as const };
      const attempt = () => drive(n, k, oracle, { repeat: 10 });
      // the bad end must fail in the ends check for a bisection to start; re-run it like a user would
      let run = attempt();
      while (run.result.phase === 'refused') run = attempt();
      if (run.result.culprit === culprit) right++;
      if (run.result.confidence < 0.99 && run.result.culprit === culprit) lowConfidenceRight++;
    }
    expect(right / trials).toBeGreaterThanOrEqual(0.99);
    expect(lowConfidenceRight).toBeLessThan(trials / 10);
  });

  it('reports a confidence below 1 for a flaky test and verifies the last good commit', () => {
    const rand = prng(42);
    const oracle = (i: number) =>
      i >= 37 && rand() < 0.3 ? { verdict: 'fail' as const, signature: BAD } : { verdict: 'pass' as const };
    const { result, state } = drive(100, 1, oracle, { repeat: 10 });
    expect(result.failureProbability).toBeGreaterThan(0.1);
    expect(result.failureProbability).toBeLessThan(0.6);
    expect(result.confidence).toBeGreaterThanOrEqual(0.99);
    expect(result.confidence).toBeLessThan(1);
    expect(state.verifyRounds).toBeGreaterThan(0);
    expect(result.culprit).toBe(37);
  });
});

describe('replay', () => {
  it('rebuilds the same state from the log, at the end and midway', () => {
    const { state } = drive(300, 3, deterministic(123, new Set([100, 101, 150])));
    expect(replayLog(300, state.log)).toEqual(state);
    // midway: replay the first 3 rounds and continue to the same answer
    const partial = replayLog(
      300,
      state.log.filter((e) => e.round < 3),
    );
    expect(phase(partial)).toBe('search');
    let resumed = partial;
    for (let probes = nextRound(resumed, 3); probes.length; probes = nextRound(resumed, 3)) {
      resumed = applyResults(
        resumed,
        probes.map((p) => ({
          index: p.index,
          runs: [deterministic(123, new Set([100, 101, 150]))(p.index)],
        })),
      );
    }
    expect(resumed).toEqual(state);
    expect(outcome(resumed).culprit).toBe(123);
  });

  it('replays a flaky bisection with its run counts', () => {
    const rand = prng(9);
    const oracle = (i: number) =>
      i >= 11 && rand() < 0.4 ? { verdict: 'fail' as const, signature: BAD } : { verdict: 'pass' as const };
    const { state } = drive(64, 2, oracle, { repeat: 5 });
    expect(replayLog(64, state.log, { repeat: 5 })).toEqual(state);
  });

  it('accepts hand-written logs without run counts', () => {
    const state = replayLog(10, [
      { round: 0, index: 0, status: 'good' },
      { round: 0, index: 9, status: 'bad', signature: BAD },
      { round: 1, index: 4, status: 'good' },
      { round: 2, index: 6, status: 'bad', signature: BAD },
      { round: 3, index: 5, status: 'bad', signature: BAD },
    ]);
    expect(state.badSignature).toBe(BAD);
    expect(outcome(state).culprit).toBe(5);
    expect(outcome(state).rounds).toBe(3);
  });
});
