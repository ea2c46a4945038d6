/**
 * The seeded PRNG of the sampler (mulberry32: 32 bits of state, good enough for search moves,
 * and the same stream on every platform), with the few draws the search needs.
 */
import { mulberry32 } from '../util/prng.js';

export class Random {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** The integers 0..n-1 in a random order. */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}

/** A set of integers in [0, capacity) with O(1) add, delete and draw by position. */
export class IndexedSet {
  private readonly items: Int32Array;
  private readonly pos: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Int32Array(capacity);
    this.pos = new Int32Array(capacity).fill(-1);
  }

  has(x: number): boolean {
    return this.pos[x] !== -1;
  }

  add(x: number): void {
    if (this.pos[x] !== -1) return;
    this.pos[x] = this.size;
    this.items[this.size++] = x;
  }

  delete(x: number): void {
    const at = this.pos[x]!;
    if (at === -1) return;
    const last = this.items[--this.size]!;
    this.items[at] = last;
    this.pos[last] = at;
    this.pos[x] = -1;
  }

  /** The item at position i (0 <= i < size); positions change when items are deleted. */
  at(i: number): number {
    return this.items[i]!;
  }
}
