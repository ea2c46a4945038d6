import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planHash } from '../../src/report/plan-hash.js';
import { fixtureReport } from './helpers.js';

const reversedKeys = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).reverse());

describe('planHash', () => {
  const cells = fixtureReport().cells;

  it('depends on the planned cells, not on their order, their key order or how they ended', () => {
    const hash = planHash(cells);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    fc.assert(
      fc.property(fc.shuffledSubarray(cells, { minLength: cells.length }), (shuffled) => {
        const rewritten = shuffled.map((c) => ({
          ...c,
          resolved: reversedKeys(c.resolved),
          kconfig: reversedKeys(c.kconfig),
          status: c.status === 'pass' ? ('fail' as const) : c.status,
          durationMs: 7,
        }));
        expect(planHash(rewritten)).toBe(hash);
      }),
      { numRuns: 30 },
    );
  });

  it('changes with a missing cell, a changed symbol or a cell planned away', () => {
    const hash = planHash(cells);
    expect(planHash(cells.slice(1))).not.toBe(hash);
    const [first, ...rest] = cells;
    const symbol = Object.keys(first!.resolved)[0]!;
    const changed = { ...first!, resolved: { ...first!.resolved, [symbol]: `${first!.resolved[symbol]}x` } };
    expect(planHash([changed, ...rest])).not.toBe(hash);
    const runnable = cells.findIndex((c) => c.status === 'pass');
    const away = cells.map((c, i) => (i === runnable ? { ...c, status: 'invalid' as const } : c));
    expect(planHash(away)).not.toBe(hash);
  });
});
