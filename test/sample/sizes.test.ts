/**
 * The sizes reached, checked exhaustively: within 15% of the best known covering arrays on
 * unconstrained instances, and never above the greedy baseline on kmatrix-like constrained ones.
 */
import { describe, expect, it } from 'vitest';
import { coveringArray, greedyCoveringArray, type Validity } from '../../src/sample/index.js';
import { ARCHES, checkCover, hotplugMatrix, kconfigMatrix, memoryMatrix } from './helpers.js';

const known = [
  { name: 'CA(N;2,3^4)', axes: [3, 3, 3, 3], t: 2, best: 9 },
  { name: 'CA(N;2,3^13)', axes: Array<number>(13).fill(3), t: 2, best: 15 },
  { name: 'CA(N;2,2^10)', axes: Array<number>(10).fill(2), t: 2, best: 6 },
  { name: 'CA(N;3,2^10)', axes: Array<number>(10).fill(2), t: 3, best: 12 },
  { name: 'CA(N;2,4^5)', axes: Array<number>(5).fill(4), t: 2, best: 16 },
];

describe('coveringArray on unconstrained instances', () => {
  for (const { name, axes, t, best } of known) {
    const limit = Math.floor(best * 1.15);
    it(`${name}: covers every ${t}-tuple in at most ${limit} rows (best known ${best})`, () => {
      const r = coveringArray(axes, t, { seed: 1 });
      const check = checkCover(axes, t, r.rows);
      expect(check.missing).toEqual([]);
      expect(r.uncoverable).toBe(0);
      expect(r.coverable).toBe(check.coverable);
      expect(r.rows.length).toBeLessThanOrEqual(limit);
      expect(r.rows.length).toBeGreaterThanOrEqual(r.lowerBound);
      expect(r.rows.length).toBeLessThanOrEqual(r.greedyRows);
      console.log(`${name}: ${r.rows.length} rows (best known ${best}, greedy ${r.greedyRows})`);
    });
  }

  it('reaches the orthogonal arrays exactly where they exist: 3^4 in 9 rows, 4^5 in 16', () => {
    expect(coveringArray([3, 3, 3, 3], 2, { seed: 7 }).rows).toHaveLength(9);
    expect(coveringArray([4, 4, 4, 4, 4], 2, { seed: 7 }).rows).toHaveLength(16);
  });
});

const constrained: { name: string; axes: number[]; t: number; valid: Validity; required?: number[][] }[] = [
  { name: 'arch x HIGHMEM x CMA x boot x workload, t=3, two includes', ...memoryMatrix, t: 3 },
  { name: 'arch x HOTPLUG x HOTREMOVE x ZONE_DEVICE x boot x workload, t=2', ...hotplugMatrix, t: 2 },
  { name: 'arch x 8 Kconfig symbols x workload, t=3', ...kconfigMatrix, t: 3 },
];
constrained[0]!.required = [
  [0, 1, 1, 3, 4],
  [ARCHES.indexOf('arm64'), 0, 1, 0, 0],
];

describe('coveringArray on kmatrix-like constrained instances', () => {
  for (const { name, axes, t, valid, required } of constrained)
    it(`${name}: valid rows, every coverable tuple, no more rows than greedy`, () => {
      const options = { seed: 3, valid, ...(required ? { required } : {}) };
      const r = coveringArray(axes, t, options);
      const greedy = greedyCoveringArray(axes, t, options);
      const check = checkCover(axes, t, r.rows, valid);
      expect(check.invalid).toEqual([]);
      expect(check.missing).toEqual([]);
      expect([r.coverable, r.uncoverable]).toEqual([check.coverable, check.uncoverable]);
      expect(check.uncoverable).toBeGreaterThan(0);
      expect(r.rows.slice(0, required?.length ?? 0)).toEqual(required ?? []);
      expect(greedy.rows).toHaveLength(r.greedyRows);
      expect(checkCover(axes, t, greedy.rows, valid).missing).toEqual([]);
      expect(r.rows.length).toBeLessThanOrEqual(greedy.rows.length);
      const cells = axes.reduce((a, b) => a * b);
      console.log(
        `${name}: ${r.rows.length} rows (greedy ${greedy.rows.length}, lower bound ${r.lowerBound}, ` +
          `${cells} cells, ${r.uncoverable} uncoverable tuples)`,
      );
    });

  it('writes HIGHMEM=y only on 32-bit arches, as the constraint says', () => {
    const r = coveringArray(memoryMatrix.axes, 2, { seed: 5, valid: memoryMatrix.valid });
    const archesWithHighmem = new Set(r.rows.filter((row) => row[1] === 1).map((row) => ARCHES[row[0]!]));
    expect([...archesWithHighmem].sort()).toEqual(['arm', 'i386', 'mips']);
  });
});
