/** The parts of src/sample on their own: algebraic seeds, the PRNG, argument checks, missingTuples. */
import { describe, expect, it } from 'vitest';
import { coveringArray, greedyCoveringArray, missingTuples } from '../../src/sample/index.js';
import { Random } from '../../src/sample/random.js';
import { algebraicSeed, kleitmanSpencer } from '../../src/sample/seeds.js';
import { checkCover, memoryMatrix } from './helpers.js';

describe('algebraic seeds', () => {
  it('Kleitman–Spencer: 6 rows cover every pair of 10 binary axes, 7 rows 15 axes', () => {
    expect(kleitmanSpencer(10)).toHaveLength(6);
    expect(checkCover(Array<number>(10).fill(2), 2, kleitmanSpencer(10)).missing).toEqual([]);
    expect(kleitmanSpencer(15)).toHaveLength(7);
    expect(checkCover(Array<number>(15).fill(2), 2, kleitmanSpencer(15)).missing).toEqual([]);
  });

  it('orthogonal arrays over GF(3), GF(4) and GF(5) hold every tuple once', () => {
    for (const [axes, t, rows] of [
      [Array<number>(4).fill(3), 2, 9],
      [Array<number>(5).fill(4), 2, 16],
      [Array<number>(5).fill(4), 3, 64],
      [Array<number>(6).fill(5), 3, 125],
    ] as const) {
      const seed = algebraicSeed(axes, t)!;
      expect(seed).toHaveLength(rows);
      expect(checkCover(axes, t, seed).missing).toEqual([]);
    }
  });

  it('mixed levels fold onto the smaller axes, duplicates dropped', () => {
    const axes = [4, 3, 2, 4];
    const seed = algebraicSeed(axes, 2)!;
    expect(seed.length).toBeLessThanOrEqual(16);
    expect(checkCover(axes, 2, seed).missing).toEqual([]);
    expect(new Set(seed.map((r) => r.join(','))).size).toBe(seed.length);
  });

  it('the smallest field that fits, else none: 14 axes of 3 levels take GF(13), 20 levels none', () => {
    const seed = algebraicSeed(Array<number>(14).fill(3), 2)!;
    // 169 rows folded from 13 levels to 3, duplicates dropped
    expect(seed).toHaveLength(159);
    expect(checkCover(Array<number>(14).fill(3), 2, seed).missing).toEqual([]);
    expect(algebraicSeed([20, 2], 2)).toBeUndefined();
  });
});

describe('Random', () => {
  it('is mulberry32: the same seed gives the same stream, another seed another', () => {
    const a = new Random(42);
    const first = [a.next(), a.next(), a.next()];
    const b = new Random(42);
    expect([b.next(), b.next(), b.next()]).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Random(43).next()).not.toBe(first[0]);
  });

  it('permutation holds each index once', () => {
    expect(new Random(7).permutation(20).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
  });
});

describe('arguments', () => {
  it('rejects levels, strengths and required rows that do not fit, naming them', () => {
    expect(() => coveringArray([2, 0], 2, { seed: 1 })).toThrow('axis 1: 0 levels');
    expect(() => coveringArray([2, 2], 0, { seed: 1 })).toThrow('strength 0');
    expect(() => coveringArray([2, 2], 2, { seed: 1, required: [[0, 2]] })).toThrow(
      'required row 0 [0, 2] does not fit the axes',
    );
    const { axes, valid } = memoryMatrix;
    expect(() => coveringArray(axes, 2, { seed: 1, valid, required: [[1, 1, 0, 0, 0]] })).toThrow(
      'required row 0 [1, 1, 0, 0, 0] is not valid',
    );
  });

  it('a strength above the axis count is capped: every cell of a 2 x 3 matrix', () => {
    const r = coveringArray([2, 3], 3, { seed: 1 });
    expect(r.strength).toBe(2);
    expect(r.rows).toHaveLength(6);
  });

  it('maxWork 0 keeps the greedy array', () => {
    const axes = Array<number>(13).fill(3);
    const r = coveringArray(axes, 2, { seed: 9, maxWork: 0 });
    expect(r.rows).toEqual(greedyCoveringArray(axes, 2, { seed: 9 }).rows);
  });
});

describe('missingTuples', () => {
  it('is empty for a covering array and names what a row fewer loses', () => {
    const { axes, valid } = memoryMatrix;
    const { rows } = coveringArray(axes, 2, { seed: 2, valid });
    expect(missingTuples(axes, 2, rows, { valid })).toEqual([]);
    const lost = missingTuples(axes, 2, rows.slice(1), { valid });
    expect(lost.length).toBeGreaterThan(0);
    for (const tuple of lost) {
      expect(tuple.filter((v) => v !== undefined)).toHaveLength(2);
      expect(rows[0]!.every((v, a) => tuple[a] === undefined || tuple[a] === v)).toBe(true);
    }
  });
});
