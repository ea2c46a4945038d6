// Bench 5: start-up of `kmatrix --version` and `kmatrix plan` of a small matrix (target < 300 ms).
import { kmatrixArgv, median, timeCommand } from './lib.mjs';

export const name = 'startup';

export async function run() {
  const rows = [];
  for (const [label, args] of [
    ['kmatrix --version', ['--version']],
    ['kmatrix plan (small)', ['plan', 'test/fixtures/wide.yaml', '--json']],
  ]) {
    const times = [];
    for (let i = 0; i < 7; i++) {
      const r = await timeCommand(kmatrixArgv(args));
      if (r.code !== 0) throw new Error(`${label} exited ${r.code}: ${r.stderr}`);
      times.push(r.ms);
    }
    const m = median(times);
    rows.push({ bench: label, value: Math.round(m), unit: 'ms (median of 7)', target: '< 300', ok: m < 300 });
  }
  return rows;
}
