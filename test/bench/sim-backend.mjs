// Measures the simulator backend in-process vs worker threads (batched), through the pool,
// on a few thousand cells. Run after `npx tsc -p .`: node test/bench/sim-backend.mjs [cells]
// A script, not a bench module (no `name`/`run`): run.mjs skips it by name.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../dist/matrix/plan.js';
import { SimBackend } from '../../dist/run/backends/sim.js';
import { runPool } from '../../dist/run/pool.js';
import { simulate } from '../../dist/sim/index.js';
import { commitFacts, simInput } from '../../dist/run/sim-input.js';

const dir = mkdtempSync(join(tmpdir(), 'kmatrix-bench-'));
const file = join(dir, 'bench.yaml');
writeFileSync(
  file,
  `name: bench
matrix:
  arch: [i386, x86_64, arm, arm64, ppc64, s390, loongarch, riscv64]
  kconfig:
    CMA: [y, n]
    DEFERRED_STRUCT_PAGE_INIT: [y, n]
  boot: ["", "cma=64M", "mem=2G", "movablecore=25%"]
  workload: [boot, dma-alloc, kpageflags, hotplug, devdax]
  nodes: [1, 2]
  memory: [2G, 8G]
`,
);
const plan = await loadPlan(file, { maxCells: 1_000_000 });
const limit = Number(process.argv[2] ?? 5000);
const cells = plan.cells.filter((c) => c.state === 'run').slice(0, limit);
const cores = availableParallelism();
console.log(`${cells.length} runnable cells, ${cores} cores, node ${process.version}`);

function time(label, fn) {
  return async () => {
    const t0 = performance.now();
    await fn();
    const ms = performance.now() - t0;
    const perCell = ((ms * 1000) / cells.length).toFixed(0).padStart(5);
    console.log(`${label.padEnd(46)} ${ms.toFixed(0).padStart(6)} ms  ${perCell} us/cell`);
  };
}

await time('raw simulate() loop', () => {
  for (const c of cells) simulate(simInput(c, commitFacts(c, plan.history), 0, 0));
})();

for (const [label, workers, batchSize] of [
  ['pool, in-process', 1, 64],
  [`pool, ${cores} worker threads, batch 16`, cores, 16],
  [`pool, ${cores} worker threads, batch 64`, cores, 64],
  [`pool, ${cores} worker threads, batch 256`, cores, 256],
]) {
  const backend = new SimBackend({ seed: 0, workers, batchSize, history: plan.history });
  await time(`${label}${backend.threaded ? '' : ' (no threads)'}`, () =>
    runPool(cells, {
      backend,
      jobs: backend.feed.inFlight,
      timeoutMs: 30_000,
      retries: 0,
      reportDir: mkdtempSync(join(dir, 'r-')),
    }),
  )();
  await backend.close();
}
rmSync(dir, { recursive: true, force: true });
