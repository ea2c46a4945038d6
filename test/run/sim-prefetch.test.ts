import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/matrix/plan.js';
import { outcomeOf, SimBackend } from '../../src/run/backends/sim.js';
import { commitFacts, simInput } from '../../src/run/sim-input.js';
import { simulate } from '../../src/sim/index.js';
import { mulberry32 } from '../../src/util/prng.js';
// @ts-expect-error: a plain .mjs module of the benches, without types
import { distinctBootSimMatrix } from '../bench/lib.mjs';
import { tempDir } from '../helpers/temp.js';

/** The compiled worker (vitest's global setup builds dist/): sources have no .js worker to start. */
const WORKER = new URL('../../dist/run/backends/sim-prefetch-worker.js', import.meta.url);

describe('SimBackend with prefetching worker threads', () => {
  it.each([
    ['computed by the workers alone', false],
    ['computed by the workers and batches the main thread took while it waited', true],
  ])(
    'gives cells of the distinct-boot matrix the result of a plain per-cell simulate(): %s',
    async (_, steal) => {
      const dir = tempDir();
      const file = join(dir, 'distinct.yaml');
      writeFileSync(file, (distinctBootSimMatrix as () => string)());
      const plan = await loadPlan(file);
      const runnable = plan.cells.filter((c) => c.state === 'run');
      expect(runnable.length).toBe(20_160);
      // a stretch of consecutive cells, as the pool runs them: neighbours share boots in the workers
      const cells = runnable.slice(6_000, 9_000);
      const backend = new SimBackend({
        history: plan.history!,
        seed: 3,
        workers: 0,
        prefetch: 2,
        prefetchUrl: WORKER,
        prefetchSteal: steal,
      });
      try {
        expect(backend.prefetch).toBeDefined();
        backend.feed.expect!(cells);
        const outcomes = cells.map((c) => backend.runSync(c, 0));
        expect(backend.prefetch!.served).toBe(cells.length);
        if (!steal) expect(backend.prefetch!.stolen).toBe(0);
        // a sample checked against one boot per cell, with no boot cache and no worker
        const random = mulberry32(20);
        const verdicts = new Set<string>();
        for (let k = 0; k < 300; k++) {
          const i = Math.floor(random() * cells.length);
          const cell = cells[i]!;
          const plain = outcomeOf(simulate(simInput(cell, commitFacts(cell, plan.history), 0, 3)));
          expect(outcomes[i]).toEqual(plain);
          verdicts.add(plain.verdict);
        }
        // the sample is not all of one kind
        expect([...verdicts].sort()).toEqual(['pass', 'skip']);
      } finally {
        await backend.close();
      }
    },
  );

  it('simulates in-process what was not expected, and later attempts', async () => {
    const dir = tempDir();
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'name: small\nmatrix:\n  arch: [x86_64, arm64]\n  workload: [boot, kpageflags]\n');
    const plan = await loadPlan(file);
    const backend = new SimBackend({ seed: 0, workers: 0, prefetch: 1, prefetchUrl: WORKER });
    try {
      backend.feed.expect!(plan.cells.slice(0, 2));
      const plain = (i: number, attempt: number) =>
        outcomeOf(simulate(simInput(plan.cells[i]!, commitFacts(plan.cells[i]!, undefined), attempt, 0)));
      expect(backend.runSync(plan.cells[3]!, 0)).toEqual(plain(3, 0));
      expect(backend.runSync(plan.cells[0]!, 1)).toEqual(plain(0, 1));
      expect(backend.runSync(plan.cells[1]!, 0)).toEqual(plain(1, 0));
      expect(backend.prefetch!.served).toBe(1);
    } finally {
      await backend.close();
    }
  });
});
