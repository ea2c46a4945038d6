// Bench 2: overhead of kmatrix's pool and command backend: 2,000 cells whose command is `true`
// (--no-cache) against `xargs -P <jobs> -n 1 true` over the same count, measured side by side
// (alternating) at --jobs <nproc>. Target: ratio of medians <= 1.5. The kmatrix side includes
// its start-up, plan, logs and report, as a user would see it.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kmatrixArgv, median, nproc, removeDir, runs, tempDir, timeCommand } from './lib.mjs';

export const name = 'pool-overhead';

const CELLS = 2000;
const MAX_RATIO = 1.5;

/** 8 archs x 250 workloads = 2,000 cells, each running `true`. */
function matrix() {
  const workloads = Array.from({ length: CELLS / 8 }, (_, i) => `w${i}`);
  return `name: pool-overhead
backend:
  command: ["true"]
matrix:
  arch: [i386, x86_64, arm, arm64, ppc64, s390, loongarch, riscv64]
  workload: [${workloads.join(', ')}]
`;
}

export async function run() {
  const work = tempDir();
  try {
    const jobs = nproc();
    const file = path.join(work, 'matrix.yaml');
    writeFileSync(file, matrix());
    writeFileSync(path.join(work, 'numbers'), `${Array.from({ length: CELLS }, (_, i) => i).join('\n')}\n`);
    const k = [];
    const x = [];
    for (let i = 0; i < runs(3); i++) {
      const reportDir = path.join(work, `report-${i}`);
      const r = await timeCommand(kmatrixArgv(['run', file, '--no-cache', '--reporter', 'json', '--no-progress', '--report-dir', reportDir, '--jobs', String(jobs)]), { cwd: work });
      if (r.code !== 0) throw new Error(`kmatrix run exited ${r.code}: ${r.stderr.slice(-2000)}`);
      removeDir(reportDir);
      k.push(r.ms);
      const xr = await timeCommand(['sh', '-c', `xargs -P ${jobs} -n 1 true < numbers`], { cwd: work });
      if (xr.code !== 0) throw new Error(`xargs exited ${xr.code}: ${xr.stderr}`);
      x.push(xr.ms);
    }
    const ratio = median(k) / median(x);
    return [
      {
        bench: `pool ${CELLS} x true --jobs ${jobs} vs xargs -P ${jobs}`,
        value: Number(ratio.toFixed(2)),
        unit: `x (kmatrix ${Math.round(median(k))} ms, xargs ${Math.round(median(x))} ms, median of ${k.length})`,
        target: `<= ${MAX_RATIO}`,
        ok: ratio <= MAX_RATIO,
        extra: { kmatrixMs: k.map(Math.round), xargsMs: x.map(Math.round) },
      },
    ];
  } finally {
    removeDir(work);
  }
}
