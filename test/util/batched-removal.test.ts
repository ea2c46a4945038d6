import { describe, expect, it } from 'vitest';
import { BatchedRemoval } from '../../src/util/batched-removal.js';

describe('BatchedRemoval', () => {
  it('removes a batch once it is full, keeps what is in use again, and flushes the rest', () => {
    const removed: string[] = [];
    const r = new BatchedRemoval((p) => {
      if (p === 'full') throw new Error('ENOTEMPTY');
      removed.push(p);
    }, 3);
    r.add('a');
    r.add('b');
    r.keep('a');
    expect(removed).toEqual([]);
    r.add('full');
    r.add('c');
    // b, full, c: the third makes the batch; a failing removal does not stop the others
    expect(removed).toEqual(['b', 'c']);
    r.add('d');
    r.flush();
    r.flush();
    expect(removed).toEqual(['b', 'c', 'd']);
  });
});
