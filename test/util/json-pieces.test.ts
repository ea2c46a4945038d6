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

  it('gives one piece per slice', () => {
    expect([...arrayPieces([1, 2, 3, 4, 5], 'compact', 2)]).toEqual(['1,2', ',3,4', ',5']);
  });
});
