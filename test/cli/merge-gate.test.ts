import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// The CI flow of the README: shards run with --shard i/n, merge gathers them, and the gate
// (with or without a baseline) decides on the merged run.
describe('kmatrix merge --gate', () => {
  const tmp = tempDir('kmatrix-merge-gate-');
  const env = { KMATRIX_CACHE_DIR: path.join(tmp, 'cache') };
  const matrix = 'matrices/seed-000-cma-highmem.yaml';
  const shards = ['1/2', '2/2'].map((s, i) => {
    const dir = path.join(tmp, `shard-${i + 1}`);
    const r = runCli(['run', matrix, '--shard', s, '--report-dir', dir, '--no-progress'], { env });
    expect([0, 1]).toContain(r.exitCode);
    return dir;
  });

  it('fails the merged run when a shard failed, like kmatrix run on the whole matrix', () => {
    const whole = runCli(['run', matrix, '--report-dir', path.join(tmp, 'whole'), '--no-progress'], { env });
    expect(whole.exitCode).toBe(1);
    const r = runCli(['merge', ...shards, '-o', path.join(tmp, 'merged'), '--gate'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('64 cells: 45 passed, 3 failed, 16 skipped');
    const plain = runCli(['merge', ...shards, '-o', path.join(tmp, 'merged-nogate')], { env });
    expect(plain.exitCode).toBe(0);
  });

  it('passes with a baseline that knows those failures, and names new ones otherwise', () => {
    const baseline = path.join(tmp, 'baseline.json');
    expect(runCli(['baseline', path.join(tmp, 'whole'), '-o', baseline]).exitCode).toBe(0);
    const known = runCli(
      ['merge', ...shards, '-o', path.join(tmp, 'merged-2'), '--gate', '--baseline', baseline],
      { env },
    );
    expect(known.stderr).toContain('baseline: 0 new failure(s), 3 known, 0 fixed');
    expect(known.exitCode).toBe(0);
    const empty = path.join(tmp, 'empty-baseline.json');
    expect(runCli(['baseline', shards[0]!, '-o', empty]).exitCode).toBe(0);
    const r = runCli(['merge', ...shards, '-o', path.join(tmp, 'merged-3'), '--gate', '--baseline', empty], {
      env,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/baseline: [1-3] new failure\(s\)/);
  });
});
