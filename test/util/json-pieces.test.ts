import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrayPieces } from '../../src/util/json-pieces.js';

// JSON values as report cells hold them: objects, arrays, strings with any characters, numbers
const value = fc.jsonValue({ maxDepth: 3 });

describe('arrayPieces', () => {
  it("joins to exactly JSON.stringify's output, compact and under a top-level key, any slice size", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 40 }), fc.integer({ min: 1, max: 7 }), (items, per) => {
        expect(`[${[...arrayPieces(items, 'compact', per)].join('')}]`).toBe(JSON.stringify(items));
        const nested = items.length === 0 ? '[]' : `[${[...arrayPieces(items, 'nested', per)].join('')}\n  ]`;
        expect(`{\n  "cells": ${nested}\n}`).toBe(JSON.stringify({ cells: items }, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('prints objects that many items share once, with the same bytes as JSON.stringify', () => {
    const shared = fc.array(fc.dictionary(fc.string(), value, { maxKeys: 5 }), {
      minLength: 1,
      maxLength: 4,
    });
    const record = (pool: Array<Record<string, unknown>>) =>
      fc.record({
        id: fc.string(),
        kconfig: fc.constantFrom(...pool),
        skipped: fc.constant(undefined),
        n: fc.oneof(fc.integer(), fc.constant(Number.NaN)),
        nested: fc.constantFrom(...pool).map((o) => [o, {}]),
      });
    const items = shared.chain((pool) => fc.array(record(pool), { maxLength: 20 }));
    fc.assert(
      fc.property(items, fc.integer({ min: 1, max: 7 }), (cells, per) => {
        expect(`[${[...arrayPieces(cells, 'compact', per)].join('')}]`).toBe(JSON.stringify(cells));
        const nested = cells.length === 0 ? '[]' : `[${[...arrayPieces(cells, 'nested', per)].join('')}\n  ]`;
        expect(`{\n  "cells": ${nested}\n}`).toBe(JSON.stringify({ cells }, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('prints what is not a plain record (dates, arrays, undefined) as JSON.stringify does', () => {
    const items = [new Date(0), [1, {}], undefined, { toJSON: () => 'x' }, {}, Object.create(null)];
    expect(`[${[...arrayPieces(items, 'compact', 4)].join('')}]`).toBe(JSON.stringify(items));
    expect(`{\n  "cells": [${[...arrayPieces(items, 'nested', 4)].join('')}\n  ]\n}`).toBe(
      JSON.stringify({ cells: items }, null, 2),
    );
  });

  it('gives one piece per slice', () => {
    expect([...arrayPieces([1, 2, 3, 4, 5], 'compact', 2)]).toEqual(['1,2', ',3,4', ',5']);
  });
});
