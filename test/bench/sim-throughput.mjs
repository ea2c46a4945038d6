// Bench 1: simulator throughput of `kmatrix run --no-cache` (cells per second of the whole
// process: start-up, plan, simulation, logs and reports) for matrices/seeds.yaml and a generated
// 100,000-cell matrix at one commit, at --jobs 1 and --jobs <nproc>, with the peak RSS.
// Targets, on the generated matrix: >= 5,000 cells/s at --jobs 1 and < 500 MB peak
// RSS. seeds.yaml (190 cells) is reported, not judged: its wall time is mostly
// start-up and plan loading; `extra.inRunCellsPerS` is its rate inside the run.
// KMATRIX_BENCH_RUNS sets the runs per figure (medians; default 3), KMATRIX_BENCH_CELLS the
// size of the generated matrix (default 100000, a multiple of 4000).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  kmatrixArgv,
  median,
  nproc,
  readReportSummary,
  removeDir,
  runs,
  sizedSimMatrix,
  tempDir,
  timeCommandRss,
} from './lib.mjs';

export const name = 'sim-throughput';

const MIN_CELLS_PER_S = 5000;
const MAX_RSS_MB = 500;

/** One `kmatrix run` of `file`; cells/s counts executed cells over the process's wall time. */
async function runOnce(file, jobs, work) {
  const reportDir = path.join(work, `report-${jobs}`);
  const r = await timeCommandRss(
    kmatrixArgv([
      'run',
      file,
      '--no-cache',
      '--reporter',
      'json',
      '--no-progress',
      '--report-dir',
      reportDir,
      '--jobs',
      String(jobs),
    ]),
  );
  try {
    // 1: some cells fail (the seeds' regressions), which is what the matrix is for
    if (r.code !== 0 && r.code !== 1)
      throw new Error(`kmatrix run ${file} --jobs ${jobs} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    const { summary, durationMs } = readReportSummary(reportDir);
    return {
      executed: summary.executed,
      total: summary.total,
      wallMs: r.ms,
      runMs: durationMs,
      rssMB: r.rssMB,
    };
  } finally {
    removeDir(reportDir);
  }
}

/**
 * Alternates the job counts run by run, so that both see the same machine load. `judge` names
 * the job count whose cells/s is held to `minCellsPerS`; matrices of 50,000 cells or more are
 * held to the RSS bound.
 */
export async function measure(label, file, jobsList, n, work, judge) {
  const samples = new Map(jobsList.map((j) => [j, []]));
  for (let i = 0; i < n; i++) for (const j of jobsList) samples.get(j).push(await runOnce(file, j, work));
  const rows = [];
  for (const [jobs, xs] of samples) {
    const executed = xs[0].executed;
    const perS = median(xs.map((x) => (executed * 1000) / x.wallMs));
    const inRun = median(xs.map((x) => (executed * 1000) / Math.max(1, x.runMs)));
    const rss = median(xs.map((x) => x.rssMB));
    const judged = judge !== undefined && jobs === judge.jobs;
    const big = judge !== undefined && xs[0].total >= 50_000;
    rows.push({
      bench: `${label} --jobs ${jobs}`,
      value: Math.round(perS),
      unit: `cells/s (${executed} cells, median of ${n})`,
      target: judged ? `>= ${judge.minCellsPerS}` : 'report',
      ok: judged ? perS >= judge.minCellsPerS : true,
      extra: {
        wallMs: Math.round(median(xs.map((x) => x.wallMs))),
        inRunCellsPerS: Math.round(inRun),
        rssMB: Math.round(rss),
      },
    });
    rows.push({
      bench: `${label} --jobs ${jobs} peak RSS`,
      value: Math.round(rss),
      unit: 'MB',
      target: big ? `< ${MAX_RSS_MB}` : 'report',
      ok: big ? rss < MAX_RSS_MB : true,
    });
  }
  return rows;
}

export async function run() {
  const work = tempDir();
  try {
    const cores = nproc();
    const jobsList = cores > 1 ? [1, cores] : [1];
    const n = runs(3);
    const rows = await measure('seeds.yaml', 'matrices/seeds.yaml', jobsList, n, work);
    const cells = Number(process.env.KMATRIX_BENCH_CELLS ?? 100_000);
    const file = path.join(work, `bench-${cells}.yaml`);
    writeFileSync(file, sizedSimMatrix(cells));
    const judge = { jobs: 1, minCellsPerS: MIN_CELLS_PER_S };
    rows.push(...(await measure(`generated ${cells}`, file, jobsList, n, work, judge)));
    return rows;
  } finally {
    removeDir(work);
  }
}
