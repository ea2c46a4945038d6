// Bench 6: covering arrays (src/sample). The sizes reached on five instances with a best known
// size, against a target of 15% above it (rows rounded down), and the generation time of a
// strength-3 sample of a 10,000-cell matrix (8 x 5 x 5 x 10 x 5), target under 2 s. Pure: no
// processes involved. KMATRIX_BENCH_RUNS sets the runs of the timing (median; default 3).
import { coveringArray } from '../../dist/sample/index.js';
import { median, runs, timeSync } from './lib.mjs';

export const name = 'sample';

const KNOWN = [
  { label: 'CA(N;2,3^4)', axes: [3, 3, 3, 3], t: 2, best: 9 },
  { label: 'CA(N;2,3^13)', axes: Array(13).fill(3), t: 2, best: 15 },
  { label: 'CA(N;2,2^10)', axes: Array(10).fill(2), t: 2, best: 6 },
  { label: 'CA(N;3,2^10)', axes: Array(10).fill(2), t: 3, best: 12 },
  { label: 'CA(N;2,4^5)', axes: Array(5).fill(4), t: 2, best: 16 },
];
const BIG = [8, 5, 5, 10, 5];
const MAX_MS = 2000;

export async function run() {
  const rows = [];
  for (const { label, axes, t, best } of KNOWN) {
    const { value: r, ms } = timeSync(() => coveringArray(axes, t, { seed: 1 }));
    const limit = Math.floor(best * 1.15);
    rows.push({
      bench: `${label} rows`,
      value: r.rows.length,
      unit: 'rows',
      target: `<= ${limit} (best known ${best})`,
      ok: r.rows.length <= limit,
      extra: { best, greedy: r.greedyRows, lowerBound: r.lowerBound, ms: Math.round(ms) },
    });
  }
  const samples = [];
  for (let i = 0; i < runs(3); i++) samples.push(timeSync(() => coveringArray(BIG, 3, { seed: i + 1 })));
  const ms = median(samples.map((s) => s.ms));
  const sizes = samples.map((s) => s.value.rows.length);
  rows.push({
    bench: `t=3 sample of ${BIG.join('x')} (10,000 cells)`,
    value: Math.round(ms),
    unit: 'ms',
    target: `< ${MAX_MS} ms`,
    ok: ms < MAX_MS,
    extra: { rows: sizes, greedy: samples.map((s) => s.value.greedyRows), lowerBound: 400 },
  });
  return rows;
}
