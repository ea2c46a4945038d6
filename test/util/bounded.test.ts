import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bounded } from '../../src/util/bounded.js';

describe('Bounded', () => {
  it('never has more than max tasks unfinished, and drain waits for every one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 30 }),
        async (max, delays) => {
          const bounded = new Bounded(max);
          let unfinished = 0;
          let peak = 0;
          let done = 0;
          for (const ms of delays) {
            await bounded.start(async () => {
              peak = Math.max(peak, ++unfinished);
              await new Promise((r) => setTimeout(r, ms));
              unfinished--;
              done++;
            });
          }
          await bounded.drain();
          expect(peak).toBeLessThanOrEqual(max);
          expect(done).toBe(delays.length);
        },
      ),
      { numRuns: 50 },
    );
  });
});
