// Bench 4: the result cache. A 5,000-cell sim matrix run twice with a fresh cache
// (KMATRIX_CACHE_DIR): the second, unchanged run must be at least 20x faster than the first.
// Both runs at --jobs <nproc>, medians of pairs; wall time of the whole process.
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
  timeCommand,
} from './lib.mjs';

export const name = 'cache';

const CELLS = 5000;
const MIN_SPEEDUP = 20;

export async function run() {
  const work = tempDir();
  try {
    const file = path.join(work, 'matrix.yaml');
    writeFileSync(file, sizedSimMatrix(CELLS));
    const first = [];
    const second = [];
    const inRun = [];
    for (let i = 0; i < runs(3); i++) {
      const env = { KMATRIX_CACHE_DIR: path.join(work, `cache-${i}`) };
      const one = async (label) => {
        const reportDir = path.join(work, `report-${i}-${label}`);
        const r = await timeCommand(
          kmatrixArgv([
            'run',
            file,
            '--reporter',
            'json',
            '--no-progress',
            '--report-dir',
            reportDir,
            '--jobs',
            String(nproc()),
          ]),
          { env },
        );
        if (r.code !== 0 && r.code !== 1)
          throw new Error(`kmatrix run (${label}) exited ${r.code}: ${r.stderr.slice(-2000)}`);
        const s = readReportSummary(reportDir);
        removeDir(reportDir);
        return { ...s, ms: r.ms };
      };
      const a = await one('first');
      const b = await one('again');
      if (b.summary.cached !== a.summary.executed || b.summary.executed !== 0)
        throw new Error(
          `second run: ${b.summary.cached} of ${a.summary.executed} cells from the cache, ` +
            `${b.summary.executed} executed`,
        );
      first.push(a.ms);
      second.push(b.ms);
      inRun.push(a.durationMs / Math.max(1, b.durationMs));
      removeDir(env.KMATRIX_CACHE_DIR);
    }
    const speedup = median(first) / median(second);
    return [
      {
        bench: `cache: unchanged ${CELLS}-cell re-run`,
        value: Number(speedup.toFixed(1)),
        unit:
          `x faster (first ${Math.round(median(first))} ms, again ${Math.round(median(second))} ms, ` +
          `median of ${first.length})`,
        target: `>= ${MIN_SPEEDUP}`,
        ok: speedup >= MIN_SPEEDUP,
        extra: {
          firstMs: first.map(Math.round),
          againMs: second.map(Math.round),
          inRunSpeedup: Number(median(inRun).toFixed(1)),
        },
      },
    ];
  } finally {
    removeDir(work);
  }
}
