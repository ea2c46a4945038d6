import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseDurations, runCli, startCli } from './cli.js';
import { tempDir } from './temp.js';

describe('test helpers', () => {
  it('runCli gives the exit code and what the CLI printed', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(runCli(['--version'])).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: '' });
    const bad = runCli(['frobnicate']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/frobnicate/);
  });

  it('startCli runs the same CLI in the given folder without waiting', async () => {
    const dir = tempDir();
    const r = await startCli(['--version'], { cwd: dir });
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('normalises durations only', () => {
    expect(normaliseDurations('24 cells in 31.2s (slowest 850ms, 2m total), 3 runs')).toBe(
      '24 cells in <duration> (slowest <duration>, <duration> total), 3 runs',
    );
  });

  it('tempDir gives a fresh empty folder each time', () => {
    const a = tempDir();
    const b = tempDir('kmatrix-other-');
    expect(a).not.toBe(b);
    expect(b).toMatch(/kmatrix-other-/);
    for (const d of [a, b]) expect([existsSync(d), readdirSync(d)]).toEqual([true, []]);
  });
});
