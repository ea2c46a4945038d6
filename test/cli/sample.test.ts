import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// `--sample t` end to end: plan and run say what the sample is, shards of a sampled run merge
// into exactly the sample, and a sampled cell hits the cache entry of the same cell run in full.
const MATRIX = 'matrices/seed-000-cma-highmem.yaml';

interface Report {
  cells: Array<{ id: string; status: string; cached: boolean }>;
  sample?: Record<string, number>;
  summary: { total: number; executed: number; cached: number; failed: number };
}
const readReport = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;

function planJson(args: string[]) {
  const r = runCli(['plan', MATRIX, '--json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as {
    cells: Array<{ id: string; state: string }>;
    sample?: Record<string, unknown>;
  };
}

describe('kmatrix plan --sample', () => {
  it('prints the sample size, the full size and the tuple coverage', () => {
    const r = runCli(['plan', MATRIX, '--sample', '2']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n').slice(-3);
    expect(lines).toEqual([
      'sample (strength 2, seed 0): 20 of 64 cells (20 of 64 to run), 5 of 16 valid configurations',
      '  2-tuples of arch, kconfig.HIGHMEM, kconfig.CMA, boot, workload: 100% of 32 coverable ' +
        '2-tuples covered, 0 uncoverable (no valid cell holds them)',
      'seed-000-cma-highmem: 20 cells: 20 to run, 0 invalid, 0 duplicate',
    ]);
  });

  it('puts the sample in --json, its cells those of the sample', () => {
    const plan = planJson(['--sample', '3', '--sample-seed', '5']);
    expect(plan.sample).toMatchObject({
      strength: 3,
      seed: 5,
      cells: plan.cells.length,
      fullCells: 64,
      coverage: 100,
      uncoverable: 0,
    });
    expect(plan.cells.length).toBeLessThan(64);
    expect(planJson(['--sample', '3', '--sample-seed', '5']).cells).toEqual(plan.cells);
    expect(planJson([]).sample).toBeUndefined();
  });

  it('refuses bad strengths and seeds with exit 2 and one line', () => {
    const zero = runCli(['plan', MATRIX, '--sample', '0']);
    expect(zero.exitCode).toBe(2);
    expect(zero.stderr).toContain('--sample needs an integer >= 1, got "0"');
    const many = runCli(['run', MATRIX, '--sample', '6', '--no-cache']);
    expect(many.exitCode).toBe(2);
    expect(many.stderr.trim().split('\n')).toHaveLength(1);
    expect(many.stderr).toContain('--sample: strength 6 is more than the 5 axes a sample is over');
    const seedOnly = runCli(['plan', MATRIX, '--sample-seed', '3']);
    expect(seedOnly.exitCode).toBe(2);
    expect(seedOnly.stderr).toContain('--sample-seed: the matrix has no sample:');
  });

  it('locates a bad sample: in the matrix file (exit 2, nothing run)', () => {
    const tmp = tempDir('kmatrix-sample-bad-');
    const file = path.join(tmp, 'm.yaml');
    writeFileSync(file, 'name: m\nmatrix:\n  arch: [i386, arm]\nsample:\n  strength: 2\n');
    const r = runCli(['run', file, '--no-cache', '--report-dir', path.join(tmp, 'out')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      `${file}:5:13: sample.strength: strength 2 is more than the 1 axes a sample is over (arch) ` +
        '(the commit axis is not sampled: every kept configuration runs at each commit)\n',
    );
    expect(r.stdout).toBe('');
  });
});

describe('kmatrix run --sample', () => {
  const tmp = tempDir('kmatrix-sample-run-');
  const env = { KMATRIX_CACHE_DIR: path.join(tmp, 'cache') };
  const sampleIds = planJson(['--sample', '2'])
    .cells.map((c) => c.id)
    .sort();

  it('says it ran a sample of N of M cells, and runs just those', () => {
    const dir = path.join(tmp, 'sampled');
    const r = runCli(['run', MATRIX, '--sample', '2', '--no-cache', '--report-dir', dir, '--no-progress']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(
      'kmatrix: ran a sample of 20 of 64 cells ' +
        '(strength 2, seed 0: 100% of 32 coverable 2-tuples covered, 0 uncoverable)\n',
    );
    expect(r.stdout).toContain(
      '\na sample of 20 of 64 cells: strength 2, seed 0, ' +
        '32 of 32 coverable 2-tuples covered, 0 uncoverable\n',
    );
    const report = readReport(dir);
    expect(report.cells.map((c) => c.id).sort()).toEqual(sampleIds);
    expect(report.summary.executed).toBe(20);
    expect(report.sample).toEqual({
      strength: 2,
      seed: 0,
      cells: 20,
      fullCells: 64,
      coverable: 32,
      covered: 32,
      uncoverable: 0,
    });
  });

  it('splits a sample into shards whose merge is exactly the sample', () => {
    const shards = ['1/2', '2/2'].map((s, i) => {
      const dir = path.join(tmp, `shard-${i + 1}`);
      const r = runCli(
        ['run', MATRIX, '--sample', '2', '--shard', s, '--no-cache', '--report-dir', dir, '--no-progress'],
        { env },
      );
      expect([0, 1]).toContain(r.exitCode);
      expect(r.stderr).toContain(`kmatrix: ran shard ${s} of a sample of 20 of 64 cells`);
      return dir;
    });
    const shardIds = shards.map((d) => readReport(d).cells.map((c) => c.id));
    expect(shardIds[0]!.length).toBeGreaterThan(0);
    expect(shardIds[1]!.length).toBeGreaterThan(0);
    const merged = path.join(tmp, 'merged');
    expect(runCli(['merge', ...shards, '-o', merged]).exitCode).toBe(0);
    expect(runCli(['report', merged]).stdout).toContain('a sample of 20 of 64 cells: strength 2, seed 0');
    expect(readReport(merged).sample).toMatchObject({ strength: 2, seed: 0, cells: 20, fullCells: 64 });
    expect(
      readReport(merged)
        .cells.map((c) => c.id)
        .sort(),
    ).toEqual(sampleIds);
    // a shard of another sample (another seed) is not part of this plan
    const other = path.join(tmp, 'other-seed');
    runCli(
      ['run', MATRIX, '--sample', '2', '--sample-seed', '1', '--shard', '2/2', '--no-cache'].concat([
        '--report-dir',
        other,
        '--no-progress',
      ]),
    );
    const mixed = runCli(['merge', shards[0]!, other, '-o', path.join(tmp, 'mixed')]);
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stderr).toContain('are of different plans');
  });

  it('takes sampled cells from the cache entries of the full run', () => {
    const full = path.join(tmp, 'full');
    expect(runCli(['run', MATRIX, '--report-dir', full, '--no-progress'], { env }).exitCode).toBe(1);
    expect(readReport(full).summary.executed).toBe(64);
    const dir = path.join(tmp, 'sampled-cached');
    const r = runCli(['run', MATRIX, '--sample', '2', '--report-dir', dir, '--no-progress'], { env });
    expect(r.exitCode).toBe(1);
    const report = readReport(dir);
    expect(report.summary).toMatchObject({ total: 20, executed: 0, cached: 20 });
    const fullStatus = new Map(readReport(full).cells.map((c) => [c.id, c.status]));
    for (const c of report.cells) expect(c.status).toBe(fullStatus.get(c.id));
  });
});
