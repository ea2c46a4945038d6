import { describe, expect, it } from 'vitest';
import { objectMemo } from '../../src/util/object-memo.js';

describe('objectMemo', () => {
  it('computes once per object, undefined included, and apart for equal objects', () => {
    const seen: object[] = [];
    const f = objectMemo((o: { n?: number }) => {
      seen.push(o);
      return o.n === undefined ? undefined : o.n * 2;
    });
    const a = { n: 2 };
    const none = {};
    expect([f(a), f(a), f(none), f(none), f({ n: 2 })]).toEqual([4, 4, undefined, undefined, 4]);
    // a, none and the equal-but-distinct object: three computations
    expect(seen).toEqual([a, none, { n: 2 }]);
    expect(seen[0]).toBe(a);
  });
});
