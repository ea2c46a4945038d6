/**
 * `kmatrix run` on a git history with the command backend: every cell runs in a worktree
 * checked out at its own commit (KMATRIX_WORKTREE names it), so a script that sources a file of
 * the repository gets that commit's file; `run --bisect` then names the culprit.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { commit, newRepo, sh } from '../history/git-repo.js';
import { tempDir } from '../helpers/temp.js';

/** lib.sh of commit i: commits from 3 on fail with a line that names the commit. */
const lib = (i: number) =>
  i < 3
    ? `echo "lib v${i} ok in $PWD"\nexit 0\n`
    : `echo "lib v${i} in $PWD"\necho "BUG: broken by v3"\nexit 1\n`;

describe('kmatrix run on a git history', () => {
  it('runs each cell at its commit in a worktree, and run --bisect names the culprit', async () => {
    const repo = await newRepo();
    const shas: string[] = [];
    for (let i = 0; i < 6; i++) {
      shas.push(await commit(repo, `mm: step ${i}`, { 'lib.sh': lib(i) }));
      await sh(repo, ['tag', `v${i}`]);
    }
    // what the repository's own work tree holds must not matter
    writeFileSync(path.join(repo, 'lib.sh'), 'echo "the work tree, not a commit"\nexit 3\n');
    const dir = tempDir();
    const seen = path.join(dir, 'worktrees-seen.txt');
    // a worktree met for the first time gets an untracked mark (a checkout keeps it) and a line in `seen`
    const mark = `[ -e .kmx-made ] || { echo "$KMATRIX_WORKTREE" >> '${seen}'; touch .kmx-made; }`;
    const script = `#!/bin/sh\necho "worktree $KMATRIX_WORKTREE"\n${mark}\n. ./lib.sh\n`;
    writeFileSync(path.join(dir, 'test.sh'), script, { mode: 0o755 });
    const matrix = (commits: string) =>
      `name: g\nhistory: { git: ${JSON.stringify(repo)} }\ncommits: ${commits}\n` +
      'backend: { command: [./test.sh] }\nmatrix:\n  arch: [x86_64]\n';
    writeFileSync(path.join(dir, 'all.yaml'), matrix('[v1, v2, v3, v5]'));
    const r = runCli(['run', 'all.yaml', '--report-dir', 'all', '--no-progress', '-j', '2'], { cwd: dir });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'all', 'report.json'), 'utf8'));
    const byCommit = new Map<string, { status: string; log: string }>(
      report.cells.map((c: { commit: string; status: string }) => [c.commit, c]),
    );
    for (const [i, status] of [
      [1, 'pass'],
      [2, 'pass'],
      [3, 'fail'],
      [5, 'fail'],
    ] as const) {
      const cell = byCommit.get(shas[i]!)!;
      expect(cell.status).toBe(status);
      // a passing cell's log is a byte range of the run's log pack: file#start-end
      const [file, range] = cell.log.split('#');
      const [start, end] = range ? range.split('-').map(Number) : [0, Infinity];
      const log = readFileSync(path.join(dir, 'all', file!))
        .subarray(start, end)
        .toString();
      expect(log).toContain(`lib v${i}`);
      expect(log).toMatch(
        new RegExp(`worktree ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/\\.kmatrix/worktrees/\\d`),
      );
    }

    writeFileSync(path.join(dir, 'ends.yaml'), matrix('[v0, v5]'));
    writeFileSync(seen, '');
    const b = runCli(
      ['run', 'ends.yaml', '--bisect', '--report-dir', 'ends', '--no-progress', '-j', '1', '--no-cache'],
      {
        cwd: dir,
      },
    );
    // one job, one worktree: the bisection's probes (no cache: each runs) reuse the run's worktree,
    // as a kernel's new worktree is a 90,000-file checkout
    expect(readFileSync(seen, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
    expect(b.exitCode).toBe(1);
    const bisected = JSON.parse(readFileSync(path.join(dir, 'ends', 'report.json'), 'utf8'));
    expect(bisected.regressions.map((g: { culprit: { sha: string } }) => g.culprit.sha)).toEqual([shas[3]]);
  }, 120_000);

  it('takes a bare repository (a mirror) as the history: worktrees come from it', async () => {
    const repo = await newRepo();
    const shas: string[] = [];
    for (let i = 0; i < 6; i++) shas.push(await commit(repo, `mm: step ${i}`, { 'lib.sh': lib(i) }));
    const dir = tempDir();
    const mirror = path.join(dir, 'mirror.git');
    await sh(dir, ['clone', '-q', '--bare', repo, mirror]);
    writeFileSync(path.join(dir, 'test.sh'), '#!/bin/sh\n. ./lib.sh\n', { mode: 0o755 });
    writeFileSync(
      path.join(dir, 'm.yaml'),
      `name: g\nhistory: { git: ./mirror.git }\ncommits: [${shas[0]}, ${shas[5]}]\n` +
        'backend: { command: [./test.sh] }\nmatrix:\n  arch: [x86_64]\n',
    );
    const r = runCli(['run', 'm.yaml', '--bisect', '--report-dir', 'out', '--no-progress', '--no-cache'], {
      cwd: dir,
    });
    expect(r.stderr).not.toMatch(/internal error|not a git repository/);
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8'));
    expect(report.regressions.map((g: { culprit: { sha: string } }) => g.culprit.sha)).toEqual([shas[3]]);
    // a revision the mirror does not have is still a located refusal, not a crash
    writeFileSync(
      path.join(dir, 'bad.yaml'),
      readFileSync(path.join(dir, 'm.yaml'), 'utf8').replace(shas[0]!, 'v9'),
    );
    const bad = runCli(['plan', 'bad.yaml'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/v9/);
  }, 120_000);
});
