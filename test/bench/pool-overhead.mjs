// Bench 2: overhead of kmatrix's pool and command backend: 2,000 cells whose command is `true`
// (--no-cache) against `xargs -P <jobs> -n 1 true` over the same count, measured side by side
// (alternating) at --jobs <nproc>. Target: ratio of medians <= 1.3 (issue 20). The kmatrix side includes
// its start-up, plan, logs and report, as a user would see it.
//
// A third side, alternating with the two, measures the floor of the spawner-shell design
// (src/run/backends/spawner.ts) without kmatrix: <jobs> bash shells running the spawner's own
// loop over the same 2,000 cell scripts (the real script of a cell of this matrix, from
// CellScript and cellEnv), their reports going to /dev/null. No Node, no log folders, no report.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kmatrixArgv, median, nproc, removeDir, runs, tempDir, timeCommand } from './lib.mjs';
import { loadPlan } from '../../dist/matrix/plan.js';
import { ownVars, sharedWords } from '../../dist/run/backends/cell-env.js';
import { CellScript, exportWords, LOOP } from '../../dist/run/backends/spawner-protocol.js';

export const name = 'pool-overhead';

const CELLS = 2000;
const MAX_RATIO = 1.3;

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

/**
 * argv of `jobs` spawner shells sourcing CELLS cell scripts between them, as kmatrix's shells
 * would (one trigger byte per cell on each shell's stdin, as a single shell reads them).
 */
async function shellFloor(work, file, jobs) {
  const dir = path.join(work, 'floor');
  mkdirSync(dir);
  const plan = await loadPlan(file);
  const cell = plan.cells[0];
  const words = [exportWords(ownVars(cell, path.join(work, 'logs', cell.id), 0)), sharedWords(cell)]
    .filter((w) => w !== '')
    .join(' ');
  writeFileSync(path.join(dir, 'A'), new CellScript(work, ['true']).text(words, 1));
  writeFileSync(path.join(dir, 'loop.sh'), LOOP);
  writeFileSync(path.join(dir, 'triggers'), 'A'.repeat(CELLS / jobs));
  // the loop reads its end marker on fd 3, as from kmatrix's pipe
  writeFileSync(path.join(dir, 'marker'), '\x01end\x01\n');
  const shell = `bash floor/loop.sh floor '' '' < floor/triggers 3< floor/marker > /dev/null 2>&1`;
  return ['sh', '-c', `${Array.from({ length: jobs }, () => `${shell} &`).join(' ')} wait`];
}

export async function run() {
  const work = tempDir();
  try {
    const jobs = nproc();
    const file = path.join(work, 'matrix.yaml');
    writeFileSync(file, matrix());
    writeFileSync(path.join(work, 'numbers'), `${Array.from({ length: CELLS }, (_, i) => i).join('\n')}\n`);
    const floor = await shellFloor(work, file, jobs);
    const k = [];
    const x = [];
    const f = [];
    for (let i = 0; i < runs(3); i++) {
      const reportDir = path.join(work, `report-${i}`);
      const r = await timeCommand(
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
        { cwd: work },
      );
      if (r.code !== 0) throw new Error(`kmatrix run exited ${r.code}: ${r.stderr.slice(-2000)}`);
      removeDir(reportDir);
      k.push(r.ms);
      const xr = await timeCommand(['sh', '-c', `xargs -P ${jobs} -n 1 true < numbers`], { cwd: work });
      if (xr.code !== 0) throw new Error(`xargs exited ${xr.code}: ${xr.stderr}`);
      x.push(xr.ms);
      const fr = await timeCommand(floor, { cwd: work });
      if (fr.code !== 0) throw new Error(`the shells alone exited ${fr.code}: ${fr.stderr}`);
      f.push(fr.ms);
    }
    const ratio = median(k) / median(x);
    return [
      {
        bench: `pool ${CELLS} x true --jobs ${jobs} vs xargs -P ${jobs}`,
        value: Number(ratio.toFixed(2)),
        unit:
          `x (kmatrix ${Math.round(median(k))} ms, xargs ${Math.round(median(x))} ms; ` +
          `the shells alone ${Math.round(median(f))} ms, ${(median(f) / median(x)).toFixed(2)}x; ` +
          `median of ${k.length})`,
        target: `<= ${MAX_RATIO}`,
        ok: ratio <= MAX_RATIO,
        extra: {
          kmatrixMs: k.map(Math.round),
          xargsMs: x.map(Math.round),
          // the design's floor: spawner shells alone, against xargs
          shellsAloneMs: f.map(Math.round),
          shellsAloneRatio: Number((median(f) / median(x)).toFixed(2)),
        },
      },
    ];
  } finally {
    removeDir(work);
  }
}
