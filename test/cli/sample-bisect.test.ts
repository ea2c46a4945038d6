import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

// `run --bisect` on a sample: the commit axis is not sampled, so a sampled configuration that
// regresses is seen passing at one commit and failing at the next, and is bisected to the
// same culprit as in the full run.
const tmp = tempDir('kmatrix-sample-bisect-');

interface Report {
  summary: { executed: number };
  regressions?: Array<{ signature: string; culprit: { sha: string } | null; verified?: boolean }>;
}

function bisectRun(file: string, sample: string[]) {
  const dir = path.join(tmp, `${path.basename(file, '.yaml')}${sample.length ? '-sampled' : ''}`);
  const r = runCli(['run', file, '--bisect', '--no-cache', '--no-progress', '--report-dir', dir, ...sample]);
  expect(r.exitCode).toBe(1);
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
  const culprits = (report.regressions ?? []).map((g) => [
    g.signature,
    g.culprit?.sha.slice(0, 12),
    g.verified,
  ]);
  return { cells: report.summary.executed, culprits };
}

// strength 3 where it samples (seed-000: 16 configurations, 8 kept); the other seed matrices
// have 3 axes of more than one value, where strength 3 is every cell, so strength 2
describe('run --bisect --sample t', () => {
  for (const [file, t, culprit] of [
    ['matrices/seed-000-cma-highmem.yaml', 3, 'bad8c6c0b114'],
    ['matrices/seed-002-kpageflags.yaml', 2, 'f7f99100d8d9'],
    ['matrices/seed-003-cma-areas.yaml', 2, 'c999bd436fe9'],
  ] as const) {
    it(`${path.basename(file)} at t=${t}: names the culprit the full run names (${culprit})`, () => {
      const full = bisectRun(file, []);
      const sampled = bisectRun(file, ['--sample', String(t)]);
      expect(sampled.cells).toBeLessThan(full.cells);
      expect(full.culprits).toHaveLength(1);
      expect(full.culprits[0]![1]).toBe(culprit);
      expect(sampled.culprits).toEqual(full.culprits);
    }, 120_000);
  }
});

describe('kmatrix bisect on a matrix with sample:', () => {
  it('finds a cell the sample left out: bisect looks at the whole matrix', () => {
    const file = path.join(tmp, 'sampled.yaml');
    const text = readFileSync('matrices/seed-000-cma-highmem.yaml', 'utf8').replace(
      'history: histories/',
      `history: ${path.resolve('matrices/histories')}/`,
    );
    writeFileSync(file, `${text}sample: {strength: 1}\n`);
    const cell = 'i386.HIGHMEM-y.CMA-y.cma-4M.boot@ea2f24700c78';
    const plan = runCli(['plan', file, '--json']);
    expect(plan.stdout).not.toContain(cell);
    const r = runCli(
      ['bisect', file, '--cell', cell, '--good', 'v4.16', '--bad', 'v4.17-rc5', '--no-cache'].concat([
        '--report-dir',
        path.join(tmp, 'bisect-out'),
      ]),
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('first bad commit: bad8c6c0b114');
  }, 60_000);
});
