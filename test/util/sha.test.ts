import { describe, expect, it } from 'vitest';
import { FULL_SHA, shortSha } from '../../src/util/sha.js';

describe('commit ids', () => {
  it('shortens a full sha-1 or sha-256 id to 12 digits and leaves anything else as it is', () => {
    const sha1 = 'a'.repeat(40);
    const sha256 = 'b'.repeat(64);
    expect(shortSha(sha1)).toBe('a'.repeat(12));
    expect(shortSha(sha256)).toBe('b'.repeat(12));
    for (const other of ['v6.4-rc1', 'a'.repeat(39), 'A'.repeat(40), 'HEAD']) {
      expect(FULL_SHA.test(other)).toBe(false);
      expect(shortSha(other)).toBe(other);
    }
  });
});
