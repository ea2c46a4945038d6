/**
 * `kmatrix run` and `kmatrix baseline` end to end: the real binary on matrices written to a
 * temp dir, with test/fixtures/commands/cell.sh as the command backend.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogTail } from '../../src/report/io.js';
import type { RunReport } from '../../src/report/schema.js';
import { decodeEntry } from '../../src/run/cache.js';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { CELL_SH, groupGone } from './helpers.js';

function matrix(dir: string, boots: string[], extra = ''): string {
  const file = join(dir, 'm.yaml');
  writeFileSync(
    file,
    `name: e2e
matrix:
  boot: ${JSON.stringify(boots)}
  workload: [boot]
backend:
  command: [${JSON.stringify(CELL_SH)}]
  timeout: 2s
  env:
    COUNT_FILE: ${JSON.stringify(join(dir, 'count'))}
    FLAKY_DIR: ${JSON.stringify(dir)}
    PID_FILE: ${JSON.stringify(join(dir, 'pid'))}
${extra}`,
  );
  return file;
}

const readReport = (dir: string): RunReport =>
  JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
const executions = (dir: string) =>
  existsSync(join(dir, 'count'))
    ? readFileSync(join(dir, 'count'), 'utf8').trim().split('\n').filter(Boolean)
    : [];
const statusByBoot = (r: RunReport) => Object.fromEntries(r.cells.map((c) => [c.boot, c.status]));

/** Every file under the cache decodes as a valid entry under its own key. */
function assertCacheValid(cacheDir: string): number {
  const entries = cacheEntryFiles(cacheDir);
  for (const e of entries) expect(decodeEntry(e.text, e.key), e.name).toBeDefined();
  return entries.length;
}

/** Resolves once `value()` has stayed the same for `quietMs`. */
async function settled(value: () => unknown, quietMs = 500): Promise<void> {
  let last = value();
  for (;;) {
    await new Promise((r) => setTimeout(r, quietMs));
    const now = value();
    if (now === last) return;
    last = now;
  }
}

async function waitFor(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kmatrix run (command backend)', () => {
  it('exit 0 when every cell passes or skips; report.json, logs and the printed path', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=pass', 'kmx=skip']);
    const r = await startCli(['run', file, '--report-dir', 'out'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('report: out/report.json');
    const report = readReport(join(dir, 'out'));
    expect(report.interrupted).toBe(false);
    expect(statusByBoot(report)).toEqual({ 'kmx=pass': 'pass', 'kmx=skip': 'skip' });
    expect(report.summary).toMatchObject({ total: 2, passed: 1, skipped: 1, executed: 2, cached: 0 });
    const passing = report.cells.find((c) => c.boot === 'kmx=pass')!;
    expect(readLogTail(join(dir, 'out'), passing.log)).toContain('all good');
  });

  it('exit 1 on a failure and on a timeout, with signatures', async () => {
    const dir = tempDir();
    const r = await startCli(
      ['run', matrix(dir, ['kmx=pass', 'kmx=fail', 'kmx=hang']), '--report-dir', 'out', '--timeout', '1s'],
      { cwd: dir },
    );
    expect(r.exitCode).toBe(1);
    const report = readReport(join(dir, 'out'));
    expect(statusByBoot(report)).toEqual({ 'kmx=pass': 'pass', 'kmx=fail': 'fail', 'kmx=hang': 'timeout' });
    expect(report.cells.find((c) => c.boot === 'kmx=fail')!.signature).toMatch(
      /^BUG: Bad page state in process swapper/,
    );
    expect(report.summary).toMatchObject({ failed: 1, timeouts: 1 });
  });

  it('exit 3 on an infrastructure error (exit code above 127)', async () => {
    const dir = tempDir();
    const r = await startCli(['run', matrix(dir, ['kmx=fail', 'kmx=code:200']), '--report-dir', 'out'], {
      cwd: dir,
    });
    expect(r.exitCode).toBe(3);
    expect(statusByBoot(readReport(join(dir, 'out')))).toEqual({
      'kmx=fail': 'fail',
      'kmx=code:200': 'error',
    });
  });

  it('flaky cells pass the gate, and fail it with --strict', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=flaky']);
    const r = await startCli(['run', file, '--report-dir', 'a', '--retries', '1', '--no-cache'], {
      cwd: dir,
    });
    expect(r.exitCode).toBe(0);
    expect(readReport(join(dir, 'a')).cells[0]).toMatchObject({
      status: 'flaky',
      attempts: 2,
      signature: expect.stringMatching(/^BUG: soft lockup - CPU#\S+ stuck for/),
    });
    const dir2 = tempDir();
    const strict = await startCli(
      ['run', matrix(dir2, ['kmx=flaky']), '--report-dir', 'a', '--retries', '1', '--strict'],
      { cwd: dir2 },
    );
    expect(strict.exitCode).toBe(1);
  }, 120_000);

  it('exit 2 with one located line on a bad matrix, and on bad flags', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.yaml'), 'name: x\nmatrix:\n  arch: [vax]\n');
    const r = await startCli(['run', 'bad.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^bad\.yaml:3:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const flags = await startCli(['run', matrix(dir, ['kmx=pass']), '--shard', '3/2'], { cwd: dir });
    expect(flags.exitCode).toBe(2);
    expect(flags.stderr).toContain('--shard');
  });

  it('exit 3 with a clear message when the report directory cannot be created', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'afile'), '');
    const r = await startCli(['run', matrix(dir, ['kmx=pass']), '--report-dir', 'afile/out'], { cwd: dir });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/kmatrix: cannot create the report directory .*afile\/out/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('re-running an unchanged matrix executes zero cells; --no-cache runs them all', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=pass', 'kmx=fail', 'kmx=skip']);
    expect((await startCli(['run', file, '--report-dir', 'one'], { cwd: dir })).exitCode).toBe(1);
    expect(executions(dir)).toHaveLength(3);
    const again = await startCli(['run', file, '--report-dir', 'two', '--json'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(executions(dir)).toHaveLength(3);
    const report = JSON.parse(again.stdout) as RunReport;
    expect(report.summary).toMatchObject({ executed: 0, cached: 3, failed: 1 });
    expect(report.cells.every((c) => c.cached)).toBe(true);
    expect(
      readFileSync(join(dir, 'two', report.cells.find((c) => c.status === 'fail')!.log!), 'utf8'),
    ).toContain('BUG: Bad page state');
    await startCli(['run', file, '--report-dir', 'three', '--no-cache'], { cwd: dir });
    expect(executions(dir)).toHaveLength(6);
  });

  it('hostile boot values reach the command as one literal value and run nothing', async () => {
    const dir = tempDir();
    const marker = join(dir, 'pwned');
    const boot = `; touch ${marker}`;
    const file = matrix(dir, [boot, `$(touch ${marker})`]);
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(`[${JSON.stringify(CELL_SH)}]`, `[${JSON.stringify(CELL_SH)}, env]`),
    );
    const r = await startCli(['run', file, '--report-dir', 'out'], { cwd: dir });
    expect(r.exitCode).toBe(0);
    const report = readReport(join(dir, 'out'));
    const cell = report.cells.find((c) => c.boot === boot)!;
    expect(cell.log).toMatch(/^logs\/passed\.log#\d+-\d+$/);
    expect(readLogTail(join(dir, 'out'), cell.log)).toContain(`BOOT=[${boot}]`);
    expect(existsSync(marker)).toBe(false);
  });

  it('baseline gate: passes on known failures, fails on a new one, lists fixed cells', async () => {
    const dir = tempDir();
    const first = matrix(dir, ['kmx=pass', 'kmx=fail', 'kmx=plainfail']);
    expect((await startCli(['run', first, '--report-dir', 'base'], { cwd: dir })).exitCode).toBe(1);
    const b = await startCli(['baseline', 'base', '-o', 'baseline.json'], { cwd: dir });
    expect(b.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8')).failures).toEqual(
      expect.objectContaining({
        [readReport(join(dir, 'base')).cells.find((c) => c.boot === 'kmx=fail')!.id]: [
          expect.stringMatching(/^BUG: Bad page state/),
        ],
      }),
    );
    const known = await startCli(['run', first, '--report-dir', 'known', '--baseline', 'baseline.json'], {
      cwd: dir,
    });
    expect(known.exitCode).toBe(0);
    expect(known.stderr).toContain('baseline: 0 new failure(s), 2 known, 0 fixed');
    // a new failing cell, and the plainfail cell now passes (fixed)
    const dir2 = tempDir();
    const second = matrix(dir2, ['kmx=pass', 'kmx=fail', 'kmx=code:3']);
    const baseReport = readReport(join(dir, 'base'));
    const plainfailId = baseReport.cells.find((c) => c.boot === 'kmx=plainfail')!.id;
    const edited = JSON.parse(readFileSync(join(dir, 'baseline.json'), 'utf8'));
    edited.failures[plainfailId.replace('plainfail', 'pass')] = ['something went wrong here'];
    writeFileSync(join(dir2, 'baseline.json'), JSON.stringify(edited));
    const gate = await startCli(['run', second, '--report-dir', 'new', '--baseline', 'baseline.json'], {
      cwd: dir2,
    });
    expect(gate.exitCode).toBe(1);
    // the new failure, named by its last line with the exit status normalised (code:3 -> code:N)
    expect(gate.stderr).toMatch(/new: \S*code-3\S*: .* code:N$/m);
    expect(gate.stderr).toMatch(/fixed: /);
    // a report.json works as a baseline too
    const asReport = await startCli(['run', first, '--report-dir', 'r2', '--baseline', 'base/report.json'], {
      cwd: dir,
    });
    expect(asReport.exitCode).toBe(0);
    const missing = await startCli(['run', first, '--baseline', 'nope.json'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
  }, 120_000);

  it('--shard i/n: the shards together run every cell exactly once', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=pass', 'kmx=skip', 'kmx=fail', 'a kmx=pass', 'b kmx=pass']);
    const ids: string[] = [];
    for (const s of ['1/2', '2/2']) {
      await startCli(['run', file, '--report-dir', `s${s[0]}`, '--shard', s, '--no-cache'], { cwd: dir });
      ids.push(...readReport(join(dir, `s${s[0]}`)).cells.map((c) => c.id));
    }
    await startCli(['run', file, '--report-dir', 'whole', '--no-cache'], { cwd: dir });
    expect(ids.sort()).toEqual(
      readReport(join(dir, 'whole'))
        .cells.map((c) => c.id)
        .sort(),
    );
  });

  it('SIGINT mid-run: exit 130, valid partial report, intact cache; re-run runs only the rest', async () => {
    const dir = tempDir();
    const file = matrix(dir, [
      'kmx=slow',
      'a kmx=slow',
      'b kmx=slow',
      'c kmx=slow',
      'd kmx=slow',
      'e kmx=slow',
    ]);
    const child = startCli(['run', file, '--report-dir', 'out', '--jobs', '1', '--grace', '5s'], {
      cwd: dir,
    });
    await waitFor(() => executions(dir).length >= 2);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    const report = readReport(join(dir, 'out'));
    expect(report.interrupted).toBe(true);
    const done = report.cells.length;
    expect(done).toBeGreaterThanOrEqual(2);
    expect(done).toBeLessThan(6);
    expect(report.cells.every((c) => c.status === 'pass')).toBe(true);
    expect(assertCacheValid(join(dir, '.kmatrix', 'cache'))).toBe(done);
    const before = executions(dir).length;
    const resumed = await startCli(['run', file, '--report-dir', 'again', '--jobs', '2'], { cwd: dir });
    expect(resumed.exitCode).toBe(0);
    expect(executions(dir).length - before).toBe(6 - done);
    expect(readReport(join(dir, 'again')).summary).toMatchObject({ total: 6, passed: 6, cached: done });
  }, 120_000);

  it('a second SIGINT kills running cells at once: exit 130, process groups gone, valid report', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=hang', 'a kmx=hang']);
    const child = startCli(
      ['run', file, '--report-dir', 'out', '--jobs', '1', '--timeout', '10m', '--grace', '10m'],
      { cwd: dir },
    );
    await waitFor(() => existsSync(join(dir, 'pid')));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('again: killing running cells');
    const report = readReport(join(dir, 'out'));
    expect(report.interrupted).toBe(true);
    expect(report.cells).toEqual([]);
    expect(await groupGone(join(dir, 'pid'))).toBe(true);
  }, 120_000);

  it('kill -9 mid-run leaves a valid cache and no half-written report; the next run resumes', async () => {
    const dir = tempDir();
    const file = matrix(dir, ['kmx=slow', 'a kmx=slow', 'b kmx=slow', 'c kmx=slow', 'd kmx=slow']);
    const child = startCli(['run', file, '--report-dir', 'out', '--jobs', '1'], { cwd: dir });
    await waitFor(() => executions(dir).length >= 3);
    child.kill('SIGKILL');
    await child;
    // kill -9 orphans the running cell (documented); let any cell it had just spawned register
    await settled(() => executions(dir).length);
    const cached = assertCacheValid(join(dir, '.kmatrix', 'cache'));
    expect(cached).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(false);
    const before = executions(dir).length;
    const resumed = await startCli(['run', file, '--report-dir', 'again', '--jobs', '2'], { cwd: dir });
    expect(resumed.exitCode).toBe(0);
    expect(executions(dir).length - before).toBe(5 - cached);
  }, 120_000);

  it('two processes sharing a cache never corrupt it', async () => {
    const dir = tempDir();
    const boots = Array.from({ length: 12 }, (_, i) => `n${i} kmx=${i % 3 === 0 ? 'fail' : 'pass'}`);
    const file = matrix(dir, boots);
    const [a, b] = await Promise.all([
      startCli(['run', file, '--report-dir', 'a', '-j', '3'], { cwd: dir }),
      startCli(['run', file, '--report-dir', 'b', '-j', '3'], { cwd: dir }),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([1, 1]);
    expect(assertCacheValid(join(dir, '.kmatrix', 'cache'))).toBe(12);
    const tmp = readdirSync(join(dir, '.kmatrix', 'cache'), { recursive: true }).filter((f) =>
      String(f).endsWith('.tmp'),
    );
    expect(tmp).toEqual([]);
    const before = executions(dir).length;
    const third = await startCli(['run', file, '--report-dir', 'c', '--json'], { cwd: dir });
    expect(executions(dir).length).toBe(before);
    expect((JSON.parse(third.stdout) as RunReport).summary).toMatchObject({
      executed: 0,
      cached: 12,
      failed: 4,
    });
  }, 120_000);
});

describe('kmatrix run (simulator backend)', () => {
  function simMatrix(dir: string): string {
    writeFileSync(
      join(dir, 'h.yaml'),
      `name: h
commits:
  - sha: a111111111111111111111111111111111111111
    subject: "mm: good"
    tags: [good]
  - sha: b222222222222222222222222222222222222222
    subject: "mm: bad"
    tags: [bad]
    set:
      inject:
        - when: { workload: kpageflags, arch: x86_64 }
          fail: "BUG: Bad page state in process cat  pfn:1fe00"
`,
    );
    const file = join(dir, 'sim.yaml');
    writeFileSync(
      file,
      `name: sim-e2e
history: h.yaml
commits: [good, bad]
matrix:
  arch: [x86_64, arm64]
  kconfig:
    CMA: [y, n]
  workload: [boot, kpageflags]
`,
    );
    return file;
  }

  it('threads and in-process give the same results; failures carry signatures; re-run cached', async () => {
    const dir = tempDir();
    const file = simMatrix(dir);
    const threaded = await startCli(['run', file, '--report-dir', 't', '-j', '2', '--no-cache'], {
      cwd: dir,
      env: {
        KMATRIX_SIM_THREADS: '1',
      },
    });
    const inline = await startCli(['run', file, '--report-dir', 'i', '-j', '1'], { cwd: dir });
    expect(threaded.exitCode).toBe(1);
    expect(inline.exitCode).toBe(1);
    const t = readReport(join(dir, 't'));
    const i = readReport(join(dir, 'i'));
    const view = (r: RunReport) => r.cells.map((c) => [c.id, c.status, c.signature ?? '']);
    expect(view(t)).toEqual(view(i));
    expect(t.summary).toMatchObject({ total: 16, failed: 2 });
    const failing = t.cells.filter((c) => c.status === 'fail');
    expect(failing.map((c) => c.signature)).toEqual([
      expect.stringMatching(/^BUG: Bad page state in process cat/),
      expect.stringMatching(/^BUG: Bad page state/),
    ]);
    expect(readFileSync(join(dir, 't', failing[0]!.log!), 'utf8')).toContain('Bad page state');
    // the history's parse was remembered by the cached run (--no-cache remembers nothing)
    expect(readdirSync(join(dir, '.kmatrix', 'cache', 'yaml'))).toHaveLength(1);
    const again = await startCli(['run', file, '--report-dir', 'again', '--json', '-j', '2'], { cwd: dir });
    expect((JSON.parse(again.stdout) as RunReport).summary).toMatchObject({
      total: 16,
      executed: 0,
      cached: 16,
      failed: 2,
    });
    expect(view(readReport(join(dir, 'again')))).toEqual(view(i));
  }, 120_000);

  it('--bisect names the culprit of a regression in report.json; failures get explanations', async () => {
    const dir = tempDir();
    const commits = ['a', 'b', 'c', 'd', 'e', 'f'].map(
      (x, i) =>
        `  - sha: ${x.repeat(40)}\n    subject: "mm: change ${i}"\n` +
        (i === 0 ? '    tags: [v1]\n' : i === 5 ? '    tags: [v2]\n' : '') +
        (x === 'd'
          ? '    set:\n      inject:\n        - when: { workload: kpageflags }\n' +
            '          fail: "BUG: Bad page state in process cat  pfn:1fe00"\n'
          : ''),
    );
    writeFileSync(join(dir, 'h.yaml'), `name: h\ncommits:\n${commits.join('')}`);
    const file = join(dir, 'm.yaml');
    writeFileSync(
      file,
      'name: bis\nhistory: h.yaml\ncommits: [v1, v2]\n' +
        'matrix:\n  arch: [x86_64]\n  workload: [boot, kpageflags]\n',
    );
    const r = await startCli(['run', file, '--report-dir', 'out', '--bisect', '-j', '2'], { cwd: dir });
    expect(r.exitCode).toBe(1);
    const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
    expect(report.regressions).toHaveLength(1);
    expect(report.regressions![0]!.culprit?.sha).toBe('d'.repeat(40));
    expect(report.explanations!.map((e) => e.conjunction)).toEqual([
      expect.arrayContaining(['workload=kpageflags']),
    ]);
    const noHistory = await startCli(['run', matrix(dir, ['kmx=pass']), '--bisect'], { cwd: dir });
    expect(noHistory.exitCode).toBe(2);
    expect(noHistory.stderr).toContain('--bisect');
  }, 120_000);
});
