/**
 * The package as a user installs it: `npm pack`, `npm install -g` of the tarball into a temp
 * prefix (its dependencies come from the npm registry), then the installed `kmatrix` run from
 * another folder. Catches a `files` list that leaves out what the CLI needs at run time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } });

describe('npm pack + npm install -g', () => {
  it('installs a kmatrix that prints its version and runs a seed matrix from another folder', () => {
    const work = tempDir('kmatrix-pack-');
    // dist/ is already built (test/global-setup.ts): packing must not rebuild it under other tests
    const pack = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    for (const needed of [
      'bin/kmatrix.js',
      'bin/package.json',
      'dist/cli/main.js',
      'dist/bundle/kmatrix.cjs',
      'matrices/seed-000-cma-highmem.yaml',
      'matrices/histories/linux-4.17-cma.yaml',
      'matrices/report.schema.json',
    ])
      expect(files).toContain(needed);
    expect(files.filter((f) => /^(src|test|scripts)\//.test(f))).toEqual([]);

    const prefix = join(work, 'prefix');
    const tarball = join(work, info!.filename);
    const install = npm(['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', tarball], work);
    expect(install.status, install.stderr).toBe(0);
    const bin = join(prefix, 'bin', 'kmatrix');

    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout).toBe(`${pkg.version}\n`);

    const elsewhere = tempDir('kmatrix-user-');
    const seed = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const run = spawnSync(bin, ['run', seed], {
      cwd: elsewhere,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NO_COLOR: '1' },
    });
    // the seeds reproduce kernel regressions: they fail on purpose
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/64 cells: 45 passed, 3 failed, 16 skipped/);
    const reports = readdirSync(join(elsewhere, 'reports'));
    expect(reports).toHaveLength(1);
    expect(existsSync(join(elsewhere, 'reports', reports[0]!, 'report.json'))).toBe(true);
  }, 300_000);
});
