/**
 * `kmatrix bisect` end to end on a simulated history: the simulator backend, broken builds
 * routed around, flaky injected failures with --repeat, the revert check, and the cache.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SOFT = 'BUG: soft lockup - CPU#0 stuck for 22s!';
let work: string;

/** 120 commits; 57 and 58 do not build; 90 injects a soft lockup on i386 with `probability`. */
function history(probability: number): string {
  const lines = ['name: synthetic', 'commits:'];
  for (let i = 0; i < 120; i++) {
    lines.push(`  - sha: ${(0xa000000 + i).toString(16)}${'0'.repeat(5)}`, `    subject: "mm: change ${i}"`);
    if (i === 0) lines.push('    tags: [v1.0]');
    if (i === 119) lines.push('    tags: [v1.1]');
    if (i === 57 || i === 58) lines.push('    build: broken');
    if (i === 90)
      lines.push(
        '    set:',
        '      inject:',
        `        - { when: { arch: i386 }, fail: "${SOFT}", probability: ${probability} }`,
      );
  }
  return `${lines.join('\n')}\n`;
}

const shaOf = (i: number) => `${(0xa000000 + i).toString(16)}${'0'.repeat(5)}`;

beforeAll(async () => {
  work = tempDir('kmatrix-bisect-sim-');
  await writeFile(path.join(work, 'steady.yaml'), history(1));
  await writeFile(path.join(work, 'flaky.yaml'), history(0.3));
  for (const name of ['steady', 'flaky']) {
    await writeFile(
      path.join(work, `${name}-m.yaml`),
      `name: ${name}\nhistory: ${name}.yaml\ncommits: [v1.1]\n` +
        'matrix:\n  arch: [i386, x86_64]\n  workload: [boot]\n',
    );
  }
}, 120_000);

describe('kmatrix bisect on a simulated history', () => {
  it('finds the culprit, verifies it by revert, and fills the cache', () => {
    const r = runCli(
      [
        'bisect',
        'steady-m.yaml',
        '--cell',
        'arch=i386',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--jobs',
        '1',
        '--report-dir',
        'steady',
      ],
      { cwd: work },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`first bad commit: ${shaOf(90).slice(0, 12)} mm: change 90`);
    expect(r.stdout).toContain('verified: reverting the culprit makes the bad commit pass');
    return readFile(path.join(work, 'steady', 'bisect.json'), 'utf8').then((text) => {
      const report = JSON.parse(text);
      expect(report.culprit).toEqual({ sha: shaOf(90), subject: 'mm: change 90' });
      expect(report.verified).toBe(true);
      expect(report.signature).toBe(SOFT.replace(/\d+/g, 'N'));
      expect(report.rounds).toBeLessThanOrEqual(8); // ceil(log2 119) = 7, +1 for the broken builds
      // a second bisection is served from the cache (filled by the first): same answer, same log
      const again = runCli(
        [
          'bisect',
          'steady-m.yaml',
          '--cell',
          'arch=i386',
          '--good',
          'v1.0',
          '--bad',
          'v1.1',
          '--jobs',
          '1',
          '--json',
          '--report-dir',
          'steady2',
        ],
        { cwd: work },
      );
      expect(again.exitCode).toBe(0);
      expect(JSON.parse(again.stdout).log).toEqual(report.log);
      expect(report.cached).toBe(0);
      expect(JSON.parse(again.stdout).cached).toBe(report.runs);
      return readdir(path.join(work, '.kmatrix', 'cache')).then((shards) =>
        expect(shards.length).toBeGreaterThan(0),
      );
    });
  }, 60_000);

  it('names a candidate list when broken builds border the culprit', async () => {
    // move the injection onto commit 59, right after the broken builds 57 and 58
    const moved = history(1)
      .replace(/    set:\n      inject:\n[^\n]*\n/, '')
      .replace(
        `subject: "mm: change 59"\n`,
        'subject: "mm: change 59"\n    set:\n      inject:\n' +
          `        - { when: { arch: i386 }, fail: "${SOFT}" }\n`,
      );
    await writeFile(path.join(work, 'border.yaml'), moved);
    await writeFile(
      path.join(work, 'border-m.yaml'),
      'name: border\nhistory: border.yaml\ncommits: [v1.1]\nmatrix:\n  arch: [i386]\n',
    );
    const r = runCli(
      [
        'bisect',
        'border-m.yaml',
        '--cell',
        'arch=i386',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--jobs',
        '2',
        '--json',
        '--report-dir',
        'border',
        '--no-cache',
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.culprit).toBeNull();
    expect(report.candidates).toEqual([shaOf(57), shaOf(58), shaOf(59)]);
    expect(report.verified).toBeNull();
  }, 60_000);

  it('with a flaky regression (p=0.3) and --repeat 10 still names the culprit, confidence below 1', () => {
    const r = runCli(
      [
        'bisect',
        'flaky-m.yaml',
        '--cell',
        'arch=i386',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--jobs',
        '2',
        '--repeat',
        '10',
        '--json',
        '--report-dir',
        'flaky',
        '--no-cache',
      ],
      { cwd: work },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.culprit?.sha).toBe(shaOf(90));
    expect(report.repeat).toBe(10);
    expect(report.failureProbability).toBeGreaterThan(0.1);
    expect(report.failureProbability).toBeLessThan(0.6);
    expect(report.confidence).toBeGreaterThanOrEqual(0.99);
    expect(report.confidence).toBeLessThan(1);
  }, 60_000);

  it('resumes a hand-written log of short shas (git bisect replay); rejects a malformed one', async () => {
    await writeFile(
      path.join(work, 'hand.json'),
      JSON.stringify([
        { round: 0, commit: shaOf(0).slice(0, 8), status: 'good' },
        { round: 0, commit: shaOf(119).slice(0, 8), status: 'bad' },
        { round: 1, commit: shaOf(60).slice(0, 8), status: 'good' },
      ]),
    );
    const r = runCli(
      [
        'bisect',
        'steady-m.yaml',
        '--cell',
        'arch=i386',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--jobs',
        '1',
        '--replay',
        'hand.json',
        '--json',
        '--report-dir',
        'hand',
        '--no-cache',
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.culprit.sha).toBe(shaOf(90));
    expect(
      report.log.slice(0, 3).map((e: { commit: string; status: string }) => [e.commit, e.status]),
    ).toEqual([
      [shaOf(0), 'good'],
      [shaOf(119), 'bad'],
      [shaOf(60), 'good'],
    ]);
    // the resumed rounds only probe commits after the replayed good one
    expect(report.log.slice(3).every((e: { commit: string }) => e.commit > shaOf(60))).toBe(true);
    await writeFile(
      path.join(work, 'broken.json'),
      JSON.stringify({ log: [{ round: 'x', commit: 1, status: 'maybe' }] }),
    );
    const bad = runCli(
      [
        'bisect',
        'steady-m.yaml',
        '--cell',
        'arch=i386',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--replay',
        'broken.json',
      ],
      { cwd: work },
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe(
      'broken.json: log[0]: expected { round: number, commit: sha, status: good|bad|skip|mismatch }\n',
    );
  }, 60_000);

  it('refuses a range whose bad end passes', () => {
    const r = runCli(
      [
        'bisect',
        'steady-m.yaml',
        '--cell',
        'arch=x86_64',
        '--good',
        'v1.0',
        '--bad',
        'v1.1',
        '--report-dir',
        'x86',
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toContain('the bad end passes: there is no regression to bisect');
  }, 60_000);
});
