/**
 * Property tests of the engine on the real x86_64 tree, in the same process as the x86_64 oracle
 * tests so both share one oracle setup.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/kconfig/resolve.js';
import { archContext } from './arch-suite.js';
import { randomRequests } from './random-requests.js';

/** A .config value as a request value: strings lose their quotes and escapes. */
function unquote(v: string): string {
  return v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** Properties of resolution on a real tree (the x86_64 oracle file runs them, sharing its setup). */
export function definePropertySuite(available: boolean): void {
  describe.skipIf(!available)('kconfig resolution properties (x86_64 tree)', () => {
    it('requesting values a resolved config already holds changes nothing', { timeout: 15 * 60_000 }, () => {
      const ctx = archContext('x86_64')!;
      // start points: the defconfig and a few random requests on it
      const starts = [
        ctx.defconfig,
        ...randomRequests(ctx.tree, 7, 4).map((r) => resolveConfig(ctx.tree, ctx.defconfig, [], r).config),
      ];
      const held = starts.map((config) =>
        [...config.matchAll(/^(?:CONFIG_([A-Za-z0-9_]+)=(.*)|# CONFIG_([A-Za-z0-9_]+) is not set)$/gm)].map(
          (m) => (m[1] ? ([m[1], unquote(m[2]!)] as const) : ([m[3]!, 'n'] as const)),
        ),
      );
      expect(held.every((h) => h.length > 1000)).toBe(true);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: starts.length - 1 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          (which, picks) => {
            const values = held[which]!;
            const req = Object.fromEntries(picks.map((p) => values[p % values.length]!));
            expect(resolveConfig(ctx.tree, starts[which]!, [], req).config).toBe(starts[which]);
          },
        ),
        { numRuns: 60, seed: 14 },
      );
    });
  });
}
