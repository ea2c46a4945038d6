import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// bin/kmatrix.js runs dist/bundle (scripts/bundle.mjs, built by `npm run build`) when it is
// current, else dist/cli: both must print the same and exit the same. KMATRIX_BUNDLE=1 and =0
// force one or the other. (The whole CLI suite runs on either with KMATRIX_BUNDLE set.)

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestMtime(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );
}

/** Whether the bundle exists and no source was edited since it was built (else it may rightly differ). */
function bundleCurrent(): boolean {
  try {
    const { built } = JSON.parse(readFileSync(path.join(ROOT, 'dist/bundle/manifest.json'), 'utf8')) as {
      built: number;
    };
    return newestMtime(path.join(ROOT, 'src')) <= built;
  } catch {
    return false;
  }
}

const CASES: string[][] = [
  ['plan', 'test/fixtures/wide.yaml', '--json'],
  ['plan', 'matrices/seeds.yaml'],
  ['plan', 'test/fixtures/multi-error.yaml'],
  ['plan', 'no/such/matrix.yaml'],
  ['plan', '--frobnicate', 'x.yaml'],
  ['schema'],
  [
    'sim',
    '--arch',
    'i386',
    '--kconfig',
    'HIGHMEM=y,CMA=y',
    '--boot',
    'cma=4M',
    '--machine',
    'memory=2G',
    '--history',
    'matrices/histories/linux-mm.yaml',
    '--commit',
    'v4.15-rc1',
  ],
  ['help'],
  ['help', 'run'],
  ['bisect', '--help'],
  ['frobnicate'],
  [],
];

// test/global-setup.ts builds a missing or stale bundle; on CI one that is still not current is a
// failure (a broken build step), not a reason to skip the comparison
const IN_CI = Boolean(process.env.CI);

describe.skipIf(!bundleCurrent() && !IN_CI)('the bundle runs as dist/cli does', () => {
  it('is current (built after every source it was made from)', () => {
    expect(bundleCurrent()).toBe(true);
  });

  const both = (args: string[], cwd?: string) => {
    const bundled = runCli(args, { env: { KMATRIX_BUNDLE: '1' }, ...(cwd ? { cwd } : {}) });
    const plain = runCli(args, { env: { KMATRIX_BUNDLE: '0' }, ...(cwd ? { cwd } : {}) });
    expect(bundled).toEqual(plain);
    return bundled;
  };
  for (const args of CASES) it(`kmatrix ${args.join(' ')}`, () => void both(args));

  it('loads a reporter module given by path (import() from the bundle)', () => {
    const dir = tempDir('kmatrix-bundle-');
    cpSync(path.join(ROOT, 'test/fixtures/reports/mm-highmem-cma'), dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'count.mjs'),
      'let n = 0;\nexport default { name: "count", onCellEnd() { n++; }, ' +
        'onRunEnd() { process.stdout.write(`cells: ${n}\\n`); } };\n',
    );
    const r = both(['report', '.', '--reporter', './count.mjs'], dir);
    expect(r.stdout).toMatch(/^cells: \d+\n$/);
  });
});
