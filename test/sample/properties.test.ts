/**
 * Random small instances (fast-check): strength 2 or 3, 2-6 axes of 1-4 levels, random Kconfig-
 * like constraints (forbidden combinations of levels) and includes, each checked exhaustively.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coveringArray, greedyCoveringArray, type Validity } from '../../src/sample/index.js';
import { allRows, checkCover, constraintOf } from './helpers.js';

interface Instance {
  axes: number[];
  t: number;
  seed: number;
  /** Forbidden combinations: each a list of [axis, level]. */
  forbidden: [number, number][][];
  /** Indices (into the valid rows) of the rows to require. */
  picks: number[];
}

const instances: fc.Arbitrary<Instance> = fc
  .array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 6 })
  .chain((axes) => {
    const pair = fc
      .integer({ min: 0, max: axes.length - 1 })
      .chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 0, max: axes[a]! - 1 })));
    return fc.record({
      axes: fc.constant(axes),
      t: fc.integer({ min: 2, max: 3 }),
      seed: fc.integer(),
      forbidden: fc.array(fc.array(pair, { minLength: 1, maxLength: 3 }), { maxLength: 5 }),
      picks: fc.array(fc.nat(), { maxLength: 3 }),
    });
  });

function validOf(forbidden: [number, number][][]): Validity | undefined {
  if (forbidden.length === 0) return undefined;
  return constraintOf(...forbidden.map((combo) => (row) => combo.every(([a, v]) => row[a] === v)));
}

function requiredOf(axes: number[], valid: Validity | undefined, picks: number[]): number[][] {
  const rows = allRows(axes).filter((r) => !valid || valid(r) !== false);
  return rows.length === 0 ? [] : picks.map((i) => rows[i % rows.length]!);
}

const distinct = (rows: number[][]) => new Set(rows.map((r) => r.join(','))).size;

describe('coveringArray on random instances', () => {
  it('every row valid, every coverable tuple covered, includes first, no larger than greedy', () => {
    fc.assert(
      fc.property(instances, ({ axes, t, seed, forbidden, picks }) => {
        const valid = validOf(forbidden);
        const required = requiredOf(axes, valid, picks);
        const options = { seed, required, maxWork: 100_000, ...(valid ? { valid } : {}) };
        const r = coveringArray(axes, t, options);
        const check = checkCover(axes, t, r.rows, valid);
        expect(check.invalid).toEqual([]);
        expect(check.missing).toEqual([]);
        expect([r.coverable, r.uncoverable]).toEqual([check.coverable, check.uncoverable]);
        const unique = [...new Map(required.map((row) => [row.join(','), row])).values()];
        expect(r.rows.slice(0, unique.length)).toEqual(unique);
        expect(distinct(r.rows)).toBe(r.rows.length);
        expect(r.rows.length).toBeGreaterThanOrEqual(r.lowerBound);
        const greedy = greedyCoveringArray(axes, t, options);
        expect(checkCover(axes, t, greedy.rows, valid).missing).toEqual([]);
        expect(r.rows.length).toBeLessThanOrEqual(greedy.rows.length);
      }),
      { numRuns: 150 },
    );
  });

  it('the same seed gives the same rows', () => {
    fc.assert(
      fc.property(instances, ({ axes, t, seed, forbidden, picks }) => {
        const valid = validOf(forbidden);
        const options = { seed, required: requiredOf(axes, valid, picks), maxWork: 50_000 };
        const run = () => coveringArray(axes, t, valid ? { ...options, valid } : options);
        expect(run()).toEqual(run());
      }),
      { numRuns: 60 },
    );
  });

  it('a constraint no row satisfies leaves an empty sample, every tuple uncoverable', () => {
    const r = coveringArray([2, 3], 2, { seed: 1, valid: () => false });
    expect(r).toMatchObject({ rows: [], coverable: 0, uncoverable: 6, lowerBound: 0 });
  });
});
