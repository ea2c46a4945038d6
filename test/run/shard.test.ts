import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/matrix/types.js';
import { assignShards, parseShard, selectShard } from '../../src/run/shard.js';
import { makeCell } from './helpers.js';

const cells = (n: number): Cell[] =>
  Array.from({ length: n }, (_, i) => makeCell({ id: `cell-${String(i).padStart(3, '0')}` }));

describe('parseShard', () => {
  it('parses i/n and rejects the rest', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['0/4', '5/4', '1/0', 'x', '1/', '-1/2'])
      expect(() => parseShard(bad)).toThrow(/--shard: expected i\/n/);
  });
});

describe('shards', () => {
  it('puts every cell in exactly one shard, deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }),
        (n, count, ds) => {
          const cs = cells(n);
          const dur = (c: Cell) => ds[Number(c.id.slice(5))];
          const parts = Array.from({ length: count }, (_, i) =>
            selectShard(cs, { index: i + 1, count }, dur).map((c) => c.id),
          );
          expect(parts.flat().sort()).toEqual(cs.map((c) => c.id));
          expect(selectShard(cs, { index: 1, count }, dur).map((c) => c.id)).toEqual(parts[0]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('round-robins by id without durations and balances by durations when known', () => {
    const cs = cells(6);
    expect([...assignShards(cs, 2, () => undefined).values()]).toEqual([1, 2, 1, 2, 1, 2]);
    // one long cell, five short: the long one gets a shard to itself
    const dur = (c: Cell) => (c.id === 'cell-003' ? 100 : 10);
    const a = assignShards(cs, 2, dur);
    expect(cs.filter((c) => a.get(c.id) === a.get('cell-003')).map((c) => c.id)).toEqual(['cell-003']);
  });
});
