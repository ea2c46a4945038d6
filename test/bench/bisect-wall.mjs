// Bench 3b: wall time of `kmatrix bisect` (command backend, git history, --jobs 4, one git
// worktree per job) against `git bisect run` of the same script on a generated 1,024-commit
// repository whose test sleeps 0.2 s. Measured side by side (alternating). Target: >= 1.9x faster (issue 20).
// KMATRIX_BENCH_KEEP=1 keeps the temp folder (repository, reports) to look at afterwards.
//
// The bound: 4 tests per round tell at most 5 outcomes apart, so 1,023 candidate culprits need 5
// rounds (4 rounds give 3 x 5^3 = 375 outcomes with the ends in round 0, and even 5^4 = 625
// without them), where git needs 10 steps. kmatrix's floor is thus 5 test durations plus Node's
// start-up, i.e. git's time / 2 minus ~0.1 s: `extra` records both next to the measured times.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { git, kmatrixArgv, linearGitRepo, median, removeDir, runs, tempDir, timeCommand } from './lib.mjs';

export const name = 'bisect-wall';

const COMMITS = 1024;
const CULPRIT = 700;
const JOBS = 4;
const MIN_SPEEDUP = 1.9;

// what a developer hands to `git bisect run`: it reads the tree it runs in
const SCRIPT = `#!/bin/sh
sleep 0.2
case "$(cat state)" in
  ok*) echo "boot ok"; exit 0 ;;
  *) echo "BUG: Bad page state in process swapper/0"; exit 1 ;;
esac
`;

export async function run() {
  const work = tempDir();
  try {
    const repo = path.join(work, 'repo');
    git(work, ['init', '-q', repo]);
    const shas = linearGitRepo(repo, COMMITS, (i) => (i >= CULPRIT ? `broken ${i}\n` : `ok ${i}\n`));
    const script = path.join(work, 'test.sh');
    writeFileSync(script, SCRIPT, { mode: 0o755 });
    writeFileSync(
      path.join(work, 'matrix.yaml'),
      `name: bisect-wall\nhistory: { git: ${JSON.stringify(repo)}, firstParent: true }\n` +
        'backend:\n  command: [./test.sh]\n  timeout: 30s\nmatrix:\n  arch: [x86_64]\n',
    );
    const k = [];
    const g = [];
    const nodeStart = [];
    let rounds;
    for (let i = 0; i < runs(3); i++) {
      const r = await timeCommand(
        kmatrixArgv([
          'bisect',
          'matrix.yaml',
          '--cell',
          'arch=x86_64',
          '--good',
          shas[0],
          '--bad',
          shas[COMMITS - 1],
          '--jobs',
          String(JOBS),
          '--no-cache',
          '--report-dir',
          `out-${i}`,
        ]),
        { cwd: work },
      );
      if (r.code !== 0 || !r.stdout.includes(`first bad commit: ${shas[CULPRIT].slice(0, 12)}`))
        throw new Error(`kmatrix bisect exited ${r.code}: ${r.stdout.slice(-1000)}${r.stderr.slice(-1000)}`);
      k.push(r.ms);
      rounds = JSON.parse(readFileSync(path.join(work, `out-${i}`, 'bisect.json'), 'utf8')).rounds;
      // what Node alone costs to start here, in the same environment (NODE_OPTIONS, NODE_EXTRA_CA_CERTS...)
      nodeStart.push((await timeCommand([process.execPath, '-e', '0'], { cwd: work })).ms);
      git(repo, ['bisect', 'reset']);
      const t = await timeCommand(
        [
          'sh',
          '-c',
          `git bisect start --first-parent ${shas[COMMITS - 1]} ${shas[0]} >/dev/null && ` +
            `git bisect run ${script}`,
        ],
        { cwd: repo, env: { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } },
      );
      if (t.code !== 0 || !t.stdout.includes(`${shas[CULPRIT]} is the first bad commit`))
        throw new Error(`git bisect run exited ${t.code}: ${t.stdout.slice(-1000)}${t.stderr.slice(-1000)}`);
      g.push(t.ms);
      git(repo, ['bisect', 'reset']);
    }
    const speedup = median(g) / median(k);
    // the bound of the header: `rounds` test durations plus Node's start-up, nothing else
    const floorMs = Math.round(rounds * 200 + median(nodeStart));
    return [
      {
        bench: `bisect ${COMMITS} commits, 0.2 s test, --jobs ${JOBS} vs git bisect run`,
        value: Number(speedup.toFixed(2)),
        unit:
          `x faster (kmatrix ${Math.round(median(k))} ms, git ${Math.round(median(g))} ms, ` +
          `median of ${k.length}; ${rounds} rounds: at most ${(median(g) / floorMs).toFixed(2)}x ` +
          `with no overhead)`,
        target: `>= ${MIN_SPEEDUP}`,
        ok: speedup >= MIN_SPEEDUP,
        extra: {
          kmatrixMs: k.map(Math.round),
          gitMs: g.map(Math.round),
          rounds,
          nodeStartMs: Math.round(median(nodeStart)),
          floorMs,
        },
      },
    ];
  } finally {
    if (!process.env.KMATRIX_BENCH_KEEP) removeDir(work);
  }
}
