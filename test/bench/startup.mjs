// Bench 5: start-up of `kmatrix --version` and `kmatrix plan` of a small matrix (target < 300 ms).
// `plan` is measured as installed (the dist/bundle code-cached bundle, see scripts/bundle.mjs)
// and, alternating run by run, without it (KMATRIX_BUNDLE=0: dist/cli, one file per module).
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { kmatrixArgv, median, ROOT, timeCommand } from './lib.mjs';

export const name = 'startup';

const RUNS = 7;
const PLAN = ['plan', 'test/fixtures/wide.yaml', '--json'];

/** What bin/kmatrix.js will run: the bundle only while no dist/ file it was made from is newer. */
function bundleState() {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(ROOT, 'dist/bundle/manifest.json'), 'utf8'));
  } catch {
    return 'missing';
  }
  const newer = manifest.inputs.some(
    (f) =>
      (statSync(path.join(ROOT, 'dist', f), { throwIfNoEntry: false })?.mtimeMs ?? Infinity) > manifest.built,
  );
  return newer ? 'stale' : 'fresh';
}

async function times(argv, env) {
  const r = await timeCommand(argv, { env });
  if (r.code !== 0) throw new Error(`${argv.slice(2).join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.ms;
}

export async function run() {
  const version = [];
  for (let i = 0; i < RUNS; i++) version.push(await times(kmatrixArgv(['--version'])));
  const bundled = [];
  const unbundled = [];
  for (let i = 0; i < RUNS; i++) {
    bundled.push(await times(kmatrixArgv(PLAN)));
    unbundled.push(await times(kmatrixArgv(PLAN), { KMATRIX_BUNDLE: '0' }));
  }
  const bundle = bundleState();
  const row = (bench, xs, target, ok, extra) => ({
    bench,
    value: Math.round(median(xs)),
    unit: `ms (median of ${RUNS})`,
    target,
    ok,
    extra: { ms: xs.map(Math.round), ...extra },
  });
  return [
    row('kmatrix --version', version, '< 300', median(version) < 300),
    // a missing or stale bundle (tsc run after the build) measures dist/cli: say so, and miss
    row(
      `kmatrix plan (small)${bundle === 'fresh' ? '' : `, bundle ${bundle}: npm run build`}`,
      bundled,
      '< 300',
      bundle === 'fresh' && median(bundled) < 300,
      { bundle },
    ),
    row('kmatrix plan (small), KMATRIX_BUNDLE=0', unbundled, 'report', true),
  ];
}
