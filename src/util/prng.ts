/**
 * mulberry32: a small seeded PRNG (32 bits of state), the same stream on every platform, so a
 * seeded sample or a failing random test can be reproduced from its seed. Not for secrets.
 */
export function mulberry32(seed: number): () => number {
  // a non-integer or huge seed still yields a valid 32-bit state
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296;
  };
}
