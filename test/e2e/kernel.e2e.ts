/**
 * `npm run e2e:kernel`: real kernels built and booted end to end (matrices/kernel/), outside the
 * default `npm test` because builds do not fit CI's time on 2 cores. Nothing here is skipped:
 * a missing tool fails the run.
 *  1. matrices/kernel/x86_64.yaml: build Debian's linux-source-6.12 (tinyconfig + what boot.sh
 *     checks) and boot it once per boot line; every cell passes. Then a ccache-warm rebuild.
 *  2. scripts/kernel-regression-repo.sh's repository (6.12 + 38 commits, one undoing upstream
 *     f81f6e4b5eed): `kmatrix run regression.yaml --bisect` names that commit.
 *  3. `git bisect run matrices/kernel/build.sh` on the same repository names the same commit.
 * Times are printed (`e2e:kernel: ...`) for the README's figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const KERNEL = path.join(ROOT, 'matrices/kernel');
const BUILD = path.join(KERNEL, 'build.sh');
const HOURS = 3600_000;

type Opts = { cwd?: string; env?: Record<string, string> };
/** A short command, its trimmed stdout; throws on failure. */
const sh = (cmd: string, args: string[], opts: Opts = {}) =>
  execFileSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, ...opts.env },
    encoding: 'utf8',
  }).trim();
/** A long command (a build, a bisection), without blocking the worker; throws on failure. */
const long = async (cmd: string, args: string[], opts: Opts = {}) =>
  (await execa(cmd, args, { cwd: opts.cwd ?? ROOT, env: opts.env ?? {}, all: true })).all.trim();
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');
async function timed<T>(what: string, f: () => T | Promise<T>): Promise<T> {
  const start = Date.now();
  const before = load();
  const out = await f();
  const s = ((Date.now() - start) / 1000).toFixed(0);
  console.log(`e2e:kernel: ${what}: ${s} s (load average before ${before}, after ${load()})`);
  return out;
}
const cellsOf = (reportDir: string) =>
  JSON.parse(readFileSync(path.join(reportDir, 'report.json'), 'utf8')) as {
    cells: Array<{ id: string; status: string; commit: string }>;
    regressions: Array<{ culprit?: { sha: string } }>;
  };

describe('real kernels: build, boot, bisect (matrices/kernel)', () => {
  it('has the tools', () => {
    for (const tool of [
      'make',
      'gcc',
      'flex',
      'bison',
      'bc',
      'ccache',
      'qemu-system-x86_64',
      'busybox',
      'git',
    ]) {
      expect(spawnSync('sh', ['-c', `command -v ${tool}`]).status, `${tool} is missing`).toBe(0);
    }
    expect(existsSync('/usr/src/linux-source-6.12.tar.xz'), 'apt-get install linux-source-6.12').toBe(true);
  });

  it(
    'builds the worked example and passes every boot line; a rebuild is ccache-warm',
    async () => {
      const tree = await timed('extract the tree (scripts/kernel-tree.sh --full)', () =>
        sh(path.join(ROOT, 'scripts/kernel-tree.sh'), ['--full']),
      );
      const dir = tempDir();
      const r = await timed('kmatrix run x86_64.yaml (a build, then 7 boots)', () =>
        startCli(
          ['run', path.join(KERNEL, 'x86_64.yaml'), '--no-cache', '--report-dir', 'r', '--no-progress'],
          // startCli kills after 150 s by default: a kernel build takes longer
          { cwd: dir, timeoutMs: 3 * HOURS },
        ),
      );
      console.log(`${r.stdout.split('\n').slice(-15).join('\n')}\n${r.stderr}`);
      expect(r.stderr).not.toMatch(/internal error/);
      const cells = cellsOf(path.join(dir, 'r')).cells;
      expect(cells.map((c) => `${c.id} ${c.status}`)).toEqual(cells.map((c) => `${c.id} pass`));
      expect(cells).toHaveLength(7);
      expect(r.exitCode).toBe(0);

      // the same config and tree in a fresh build folder at the same depth: every object from ccache
      const fresh = path.join(tree, `.kmatrix-kbuild-e2e-${process.pid}`);
      try {
        sh('ccache', ['-z']);
        const out = await timed('ccache-warm rebuild of the same config', () =>
          sh(BUILD, [], {
            env: { KMATRIX_KBUILD_DIR: fresh, KMATRIX_BOOT: 'mem=512M', KMATRIX_MEMORY: '1G' },
          }),
        );
        expect(out.split('\n').pop()).toMatch(/^PASS: bzImage booted with "mem=512M"/);
        console.log(`e2e:kernel: ccache after the rebuild:\n${sh('ccache', ['-s'])}`);
      } finally {
        rmSync(fresh, { recursive: true, force: true });
      }
    },
    3 * HOURS,
  );

  it(
    'bisects the re-introduced hugetlb bug to its commit, as git bisect run does',
    async () => {
      const repo = await timed('make the regression repository', () =>
        sh(path.join(ROOT, 'scripts/kernel-regression-repo.sh'), []),
      );
      const git = (...args: string[]) => sh('git', ['-C', repo, ...args]);
      const culprit = git(
        'log',
        '--format=%H',
        '--grep=^mm/hugetlb: return 0 from the __setup handlers',
        'tip',
      );
      expect(culprit).toMatch(/^[0-9a-f]{40}$/);
      expect(git('rev-list', '--count', 'base..tip')).toBe('38');
      // regression.yaml reads the repository at .kmatrix/linux-6.12-regression.git beside it
      const link = path.join(KERNEL, '.kmatrix/linux-6.12-regression.git');
      if (!existsSync(link)) {
        mkdirSync(path.dirname(link), { recursive: true });
        symlinkSync(repo, link);
      }

      const dir = tempDir();
      const r = await timed('kmatrix run regression.yaml --bisect', () =>
        startCli(
          [
            'run',
            path.join(KERNEL, 'regression.yaml'),
            '--bisect',
            '--no-cache',
            '--report-dir',
            'r',
            '--no-progress',
          ],
          // startCli kills after 150 s by default: a kernel build takes longer
          { cwd: dir, timeoutMs: 3 * HOURS },
        ),
      );
      console.log(`${r.stdout.split('\n').slice(-30).join('\n')}\n${r.stderr}`);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.exitCode).toBe(1);
      const report = cellsOf(path.join(dir, 'r'));
      expect(report.regressions.map((g) => g.culprit?.sha)).toEqual([culprit]);

      // git's own bisection over the same commits with the same script, in a plain worktree
      const tree = path.join(dir, 'git-bisect-tree');
      git('worktree', 'add', '--detach', tree, 'tip');
      try {
        sh('git', ['bisect', 'start', 'tip', 'base'], { cwd: tree });
        const env = {
          KMATRIX_KERNEL_TREE: tree,
          KMATRIX_BOOT: 'hugepagesz=1Y hugepages=1',
          KMATRIX_MEMORY: '1G',
        };
        const out = await timed('git bisect run build.sh', () =>
          long('git', ['bisect', 'run', BUILD], { cwd: tree, env }),
        );
        expect(out).toContain(`${culprit} is the first bad commit`);
        sh('git', ['bisect', 'reset'], { cwd: tree });
      } finally {
        git('worktree', 'remove', '--force', tree);
      }
    },
    3 * HOURS,
  );
});
