/**
 * End to end on a real git repository: `kmatrix bisect` with the command backend and one git
 * worktree per worker names the same first bad commit as `git bisect run` on the same script.
 */
import { execa } from 'execa';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { linearRepo, sh } from '../history/git-repo.js';
import { tempDir } from '../helpers/temp.js';

const COUNT = 300;
const CULPRIT = 217;
/** Untestable commits (the script exits 125), away from the culprit. */
const SKIPS = new Set([100, 101, 102, 150]);

// the test a developer would hand to `git bisect run`: it reads the tree it runs in
const SCRIPT = `#!/bin/sh
state=$(cat state)
case "$state" in
  ok*) echo "boot ok"; exit 0 ;;
  skip*) echo "does not build"; exit 125 ;;
  *) echo "BUG: Bad page state in process swapper/0"; exit 1 ;;
esac
`;

let work: string;
let repo: string;
let shas: string[];

beforeAll(async () => {
  work = tempDir('kmatrix-bisect-e2e-');
  ({ dir: repo, shas } = await linearRepo(COUNT, (i) =>
    SKIPS.has(i) ? `skip ${i}\n` : i >= CULPRIT ? `broken ${i}\n` : `ok ${i}\n`,
  ));
  await writeFile(path.join(work, 'test.sh'), SCRIPT, { mode: 0o755 });
  await writeFile(
    path.join(work, 'matrix.yaml'),
    `name: git-e2e\nhistory: { git: ${JSON.stringify(repo)}, firstParent: true }\n` +
      'backend:\n  command: [./test.sh]\n  timeout: 30s\nmatrix:\n  arch: [x86_64]\n',
  );
}, 120_000);

async function gitBisectRun(): Promise<string> {
  await sh(repo, ['bisect', 'start', '--first-parent', shas[COUNT - 1]!, shas[0]!]);
  try {
    const r = await execa('git', ['bisect', 'run', path.join(work, 'test.sh')], { cwd: repo });
    const m = /^([0-9a-f]{40}) is the first bad commit/m.exec(r.stdout);
    if (!m) throw new Error(`git bisect run said:\n${r.stdout}`);
    return m[1]!;
  } finally {
    await sh(repo, ['bisect', 'reset']);
  }
}

describe('kmatrix bisect on a git repository', () => {
  it('names the same first bad commit as git bisect run, with parallel worktrees', async () => {
    const expected = await gitBisectRun();
    expect(expected).toBe(shas[CULPRIT]);
    const r = runCli(
      [
        'bisect',
        'matrix.yaml',
        '--cell',
        'arch=x86_64',
        '--good',
        shas[0]!.slice(0, 10),
        '--bad',
        'HEAD',
        '--jobs',
        '4',
        '--report-dir',
        'out',
        '--no-cache',
      ],
      { cwd: work },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`first bad commit: ${expected.slice(0, 12)} commit ${CULPRIT}`);
    // the ends share round 0 with two interior probes
    expect(r.stderr).toContain(
      `round 0: checking both ends: ${shas[0]!.slice(0, 12)}, ${shas[COUNT - 1]!.slice(0, 12)}; testing `,
    );
    const report = JSON.parse(await readFile(path.join(work, 'out', 'bisect.json'), 'utf8'));
    expect(report.culprit).toEqual({ sha: expected, subject: `commit ${CULPRIT}` });
    expect(report.candidates).toEqual([expected]);
    expect(report.good).toBe(shas[0]);
    expect(report.matrix).toBe(path.join(work, 'matrix.yaml'));
    expect(report.bad).toBe(shas[COUNT - 1]);
    expect(report.verified).toBeNull();
    expect(report.confidence).toBe(1);
    expect(report.signature).toBe('BUG: Bad page state in process swapper/N'); // numbers normalised
    // 299 commits at 4 per round: ceil(log5 299) = 4 rounds (+1 when a probe lands on a skip)
    expect(report.rounds).toBeLessThanOrEqual(5);
    expect(report.log[0]).toMatchObject({ round: 0, commit: shas[0], status: 'good' });
    // worktrees are removed at the end and git forgets them
    expect(await readdir(path.join(work, '.kmatrix', 'worktrees')).catch(() => [])).toEqual([]);
    expect((await sh(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);

    // replaying the finished log re-derives the same answer without running the script
    await writeFile(path.join(work, 'test.sh'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const again = runCli(['bisect', '--replay', 'out/bisect.json', '--report-dir', 'out2', '--json'], {
      cwd: work,
    });
    await writeFile(path.join(work, 'test.sh'), SCRIPT, { mode: 0o755 });
    expect(again.exitCode).toBe(0);
    const replayed = JSON.parse(again.stdout);
    expect(replayed.culprit.sha).toBe(expected);
    expect(replayed.log).toEqual(report.log);
  }, 120_000);

  it('refuses when the good end already fails, exit 2 with a clear message', async () => {
    const r = runCli(
      [
        'bisect',
        'matrix.yaml',
        '--cell',
        'arch=x86_64',
        '--good',
        shas[250]!,
        '--bad',
        'HEAD',
        '--jobs',
        '2',
        '--report-dir',
        'refused',
        '--no-cache',
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(
      new RegExp(
        [
          /cannot bisect .*: the good end fails too /.source,
          /\(BUG: Bad page state in process swapper\/N\): it is not good/.source,
        ].join(''),
      ),
    );
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
  }, 60_000);

  it('rejects unknown revisions and cells as located user errors', async () => {
    const bad = runCli(
      ['bisect', 'matrix.yaml', '--cell', 'arch=x86_64', '--good', 'v9.9', '--bad', 'HEAD'],
      { cwd: work },
    );
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/unknown revision "v9.9"/);
    const cell = runCli(
      ['bisect', 'matrix.yaml', '--cell', 'arch=arm64', '--good', shas[0]!, '--bad', 'HEAD'],
      { cwd: work },
    );
    expect(cell.exitCode).toBe(2);
    expect(cell.stderr).toMatch(/--cell: no cell has arch=arm64 \(values: x86_64\)/);
  }, 60_000);
});

describe('signatures that carry a changing number', () => {
  // every bad commit fails with its own number in the line, as real test scripts do
  const NOISY = `#!/bin/sh
n=$(cat state)
[ "$n" -lt 41 ] && { echo "all good at $n"; exit 0; }
echo "checking counter"
echo "test returned 4 at counter $((n * 7 + 3))"
exit 1
`;
  let noisy: { dir: string; shas: string[] };
  let dir: string;

  beforeAll(async () => {
    noisy = await linearRepo(64, (i) => `${i}\n`);
    dir = tempDir('kmatrix-noisy-');
    await writeFile(path.join(dir, 'test.sh'), NOISY, { mode: 0o755 });
    await writeFile(
      path.join(dir, 'matrix.yaml'),
      `name: noisy\nhistory: { git: ${JSON.stringify(noisy.dir)} }\nbackend: { command: [./test.sh] }\n` +
        'matrix:\n  arch: [x86_64]\n',
    );
  }, 60_000);

  async function gitCulprit(): Promise<string> {
    const { dir: repoDir, shas: all } = noisy;
    await sh(repoDir, ['bisect', 'start', all.at(-1)!, all[0]!]);
    try {
      const r = await execa('git', ['bisect', 'run', path.join(dir, 'test.sh')], { cwd: repoDir });
      return /^([0-9a-f]{40}) is the first bad commit/m.exec(r.stdout)![1]!;
    } finally {
      await sh(repoDir, ['bisect', 'reset']);
    }
  }

  it('name the culprit git bisect run names, by default and with --signature any', async () => {
    const expected = await gitCulprit();
    expect(expected).toBe(noisy.shas[41]);
    for (const extra of [[], ['--signature', 'any']]) {
      const r = runCli(
        ['bisect', 'matrix.yaml', '--cell', 'arch=x86_64', '--good', noisy.shas[0]!, '--bad', 'HEAD'].concat(
          ['--jobs', '3', '--no-cache', '--json'],
          extra,
        ),
        { cwd: dir },
      );
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.exitCode).toBe(0);
      const report = JSON.parse(r.stdout);
      expect(report.culprit.sha).toBe(expected);
      expect(report.signature).toBe(extra.length ? 'any failure' : 'test returned N at counter N');
      expect(report.log.filter((e: { status: string }) => e.status === 'mismatch')).toEqual([]);
    }
  }, 120_000);
});
