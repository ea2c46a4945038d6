// Bench 6b: what sampling finds. matrices/seeds-wide.yaml (the five seed regressions in one wide
// matrix: 5 arches x 3 Kconfig symbols x 4 boot lines x 5 workloads x 2 memory sizes x 2 node
// counts at 10 commits, 32,000 cells of which 16,000 resolve) is run in full and as covering
// arrays of strength 2, 3 and 4: cells run, which seed regressions each run finds (a failure
// with the seed's signature), wall time of the whole command (planning and sampling included).
// Each strength is run with KMATRIX_BENCH_SAMPLE_SEEDS sample seeds (default 3, seeds 0..n-1):
// `found` is what seed 0 finds, `extra.foundIn` how many of the seeds find each regression.
// Targets: the full run finds all five; every sample runs fewer cells than the full run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kmatrixArgv, removeDir, tempDir, timeCommand } from './lib.mjs';

export const name = 'sample-value';

const MATRIX = 'matrices/seeds-wide.yaml';
/** The five seed regressions, each by the signature its failures have (unique in the full run). */
export const SEEDS = [
  { seed: '000 cma-highmem', signature: 'BUG: Bad page state in process swapper pfn:N' },
  { seed: '001 isolation', signature: 'INFO: task kmemleak:N blocked for more than N seconds.' },
  { seed: '002 kpageflags', signature: 'BUG: unable to handle kernel paging request at ADDR' },
  { seed: '003 cma-areas', signature: 'Unable to handle kernel paging request at virtual address ADDR' },
  { seed: '004 devdax', signature: 'BUG: Unable to handle kernel data access on write at ADDR' },
];

function sampleSeeds() {
  const n = Number(process.env.KMATRIX_BENCH_SAMPLE_SEEDS);
  return Number.isInteger(n) && n > 0 ? n : 3;
}

/** One `kmatrix run` of the matrix, full (no strength) or sampled: cells, seeds found, wall time. */
async function runOnce(work, strength, seed) {
  const dir = path.join(work, `t${strength ?? 'full'}-${seed}`);
  const sample = strength ? ['--sample', String(strength), '--sample-seed', String(seed)] : [];
  const argv = [MATRIX, ...sample, '--no-cache', '--no-progress', '--reporter', 'json', '--report-dir', dir];
  const r = await timeCommand(kmatrixArgv(['run', ...argv]));
  if (r.code !== 0 && r.code !== 1)
    throw new Error(`kmatrix run ${argv.join(' ')}: exit ${r.code}\n${r.stderr}`);
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8'));
  removeDir(dir);
  const failing = report.cells.filter((c) => c.status === 'fail');
  const found = SEEDS.map((s) => failing.find((c) => c.signature === s.signature)?.id);
  return {
    ms: r.ms,
    runMs: report.durationMs,
    cells: report.summary.executed + report.summary.cached,
    found,
  };
}

export async function run() {
  const work = tempDir('kmatrix-bench-sample-');
  try {
    const full = await runOnce(work, undefined, 0);
    const rows = [row('full', full, full, [full.found.map((id) => (id ? 1 : 0))], 1)];
    const n = sampleSeeds();
    for (const t of [2, 3, 4]) {
      const runs = [];
      for (let seed = 0; seed < n; seed++) runs.push(await runOnce(work, t, seed));
      const hits = runs.map((r) => r.found.map((id) => (id ? 1 : 0)));
      rows.push(row(`t=${t}`, runs[0], full, hits, n));
    }
    return rows;
  } finally {
    removeDir(work);
  }
}

function row(label, r, full, hits, n) {
  const found = SEEDS.filter((_, i) => r.found[i]).map((s) => s.seed.slice(0, 3));
  const isFull = r === full;
  const foundIn = SEEDS.map((s, i) => `${hits.reduce((k, h) => k + h[i], 0)}/${n}`);
  process.stderr.write(
    `  ${label.padEnd(6)} ${String(r.cells).padStart(6)} cells  found ${found.join(' ') || 'none'}` +
      `  (over ${n} sample seeds: ${foundIn.join(' ')})  ${(r.ms / 1000).toFixed(1)} s wall\n`,
  );
  return {
    bench: `seeds-wide ${label}: seed regressions found`,
    value: found.length,
    unit: `of 5 (${found.join(' ') || 'none'})`,
    target: isFull ? '= 5' : `fewer cells than the full ${full.cells}`,
    ok: isFull ? found.length === 5 : r.cells < full.cells,
    extra: {
      cells: r.cells,
      wallMs: Math.round(r.ms),
      runMs: r.runMs,
      failingCell: Object.fromEntries(SEEDS.map((s, i) => [s.seed, r.found[i] ?? null])),
      foundIn: Object.fromEntries(SEEDS.map((s, i) => [s.seed, foundIn[i]])),
    },
  };
}
