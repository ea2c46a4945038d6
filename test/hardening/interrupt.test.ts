/**
 * Interruption and a hostile file system, end to end: kill -9 at many points of a run never
 * leaves a half-written report.json or a corrupt cache entry, and the next run executes only
 * what the cache lacks; a full disk, an unwritable report.json or a report directory under
 * /proc end with one clear line and exit 3, keeping what the cache already has.
 * (test/run/cli-run.test.ts has one kill -9 mid-cell and the mkdir-fails case.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, executions, readReport, STACK, validCacheEntries } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** report.json is absent, or whole: valid JSON whose summary counts its cells. */
function reportAbsentOrComplete(dir: string): 'absent' | 'complete' {
  if (!existsSync(path.join(dir, 'report.json'))) return 'absent';
  const r = readReport(dir);
  expect(r.summary.total).toBe(r.cells.length);
  return 'complete';
}

describe('kill -9 at any point', () => {
  it('leaves report.json absent or complete, the cache valid; the next run runs only the rest', async () => {
    const dir = tempDir();
    const boots = Array.from({ length: 24 }, (_, i) => `n${i} kmx=slow`);
    const file = commandMatrix(dir, boots, { timeout: '30s' });
    const cache = path.join(dir, '.kmatrix', 'cache');
    const outcomes: string[] = [];
    // kill at staggered moments: while loading, between cells, mid-cell, around the report; the
    // last run is killed only once a cell of its own is cached (on a loaded machine the fixed
    // moments can all fall before the first cell ends)
    for (const [i, delay] of [250, 600, 900, 1300, 1700, 2200].entries()) {
      const child = startCli(['run', file, '--report-dir', `out${i}`, '-j', '3', '--no-progress'], {
        cwd: dir,
      });
      const before = cacheEntryFiles(cache).length;
      await sleep(delay);
      for (
        let waited = 0;
        i === 5 && cacheEntryFiles(cache).length === before && waited < 60_000;
        waited += 50
      )
        await sleep(50);
      child.kill('SIGKILL');
      await child;
      outcomes.push(
        existsSync(path.join(dir, `out${i}`)) ? reportAbsentOrComplete(path.join(dir, `out${i}`)) : 'absent',
      );
      // every line of the event log but a torn last one is whole JSON
      const events = path.join(dir, `out${i}`, 'events.jsonl');
      if (existsSync(events)) {
        const lines = readFileSync(events, 'utf8').split('\n').slice(0, -1);
        for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
      }
      validCacheEntries(cache);
    }
    // cells running at the kill are orphaned and finish on their own (300 ms): let them count
    for (let last = -1; last !== executions(dir);) {
      last = executions(dir);
      await sleep(1000);
    }
    const cached = validCacheEntries(cache);
    expect(cached).toBeGreaterThan(0);
    expect(cached).toBeLessThanOrEqual(boots.length);
    const before = executions(dir);
    const resumed = await startCli(['run', file, '--report-dir', 'final', '-j', '3', '--no-progress'], {
      cwd: dir,
    });
    expect(resumed.exitCode).toBe(0);
    expect(executions(dir) - before).toBe(boots.length - cached);
    expect(readReport(path.join(dir, 'final')).summary).toMatchObject({
      total: 24,
      passed: 24,
      cached,
      executed: 24 - cached,
    });
    expect(outcomes).toHaveLength(6);
  }, 180_000);
});

describe('SIGTERM (a CI runner cancelling the job)', () => {
  it('like Ctrl-C: a cell ignoring SIGTERM dies after --grace; exit 130, valid partial report', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass', 'kmx=ignore-term', 'a kmx=pass', 'b kmx=pass'], {
      timeout: '10m',
    });
    const child = startCli(
      ['run', file, '--report-dir', 'out', '-j', '2', '--grace', '1s', '--no-progress'],
      { cwd: dir },
    );
    // wait until the SIGTERM-ignoring cell has started
    for (let i = 0; i < 400 && executions(dir) < 2; i++) await sleep(50);
    await sleep(300);
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode).toBe(130);
    expect(r.stderr).toContain('SIGTERM: stopping');
    const report = readReport(path.join(dir, 'out'));
    expect(report.interrupted).toBe(true);
    expect(report.cells.map((c) => c.boot)).not.toContain('kmx=ignore-term');
    expect(report.cells.every((c) => c.status === 'pass')).toBe(true);
    expect(validCacheEntries(path.join(dir, '.kmatrix', 'cache'))).toBe(report.cells.length);
  }, 60_000);
});

describe('a report directory that cannot take the report', () => {
  it('report.json cannot be replaced (a dir in the way): exit 3, one clear line, cache kept', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass', 'a kmx=pass']);
    mkdirSync(path.join(dir, 'out', 'report.json', 'x'), { recursive: true });
    // a folder of an earlier run (its marker), so the run takes it; a folder is not what it clears
    writeFileSync(path.join(dir, 'out', '.kmatrix-report'), '');
    const r = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], { cwd: dir });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toContain(`kmatrix: could not write ${path.join(dir, 'out', 'report.json')}`);
    expect(validCacheEntries(path.join(dir, '.kmatrix', 'cache'))).toBe(2);
    const again = await startCli(['run', file, '--report-dir', 'ok', '--json'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout).summary).toMatchObject({ executed: 0, cached: 2 });
  }, 60_000);

  it('a report directory under /proc: exit 3 with a clear line, not a hang', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass']);
    const r = await startCli(['run', file, '--report-dir', '/proc/kmatrix-hardening/out', '--no-progress'], {
      cwd: dir,
      env: {},
      timeoutMs: 20_000,
    });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/kmatrix: cannot create the report directory \/proc\/kmatrix-hardening\/out: /);
    expect(executions(dir)).toBe(0);
  }, 60_000);

  it('a result cache under /proc: a warning, and the run still completes', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass', 'kmx=fail']);
    const r = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], {
      cwd: dir,
      env: { KMATRIX_CACHE_DIR: '/proc/kmatrix-hardening/cache' },
      timeoutMs: 20_000,
    });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/kmatrix: warning: cannot write the result cache: /);
    expect(readReport(path.join(dir, 'out')).summary).toMatchObject({ total: 2, passed: 1, failed: 1 });
  }, 60_000);
});

// a real full disk: a 256 KiB tmpfs (tests run as root; skipped where mounting is not allowed)
const mnt = tempDir('kmatrix-full-');
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]).status === 0;
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
});

describe.skipIf(!mounted)('a full report disk', () => {
  it('logs that no longer fit: exit 3 with ENOSPC named, the results so far kept in the cache', async () => {
    const dir = tempDir();
    const boots = Array.from({ length: 8 }, (_, i) => `n${i} kmx=chatty`);
    const file = commandMatrix(dir, boots);
    const r = await startCli(
      ['run', file, '--report-dir', path.join(mnt, 'out'), '-j', '1', '--no-progress'],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toMatch(/kmatrix: cannot write \S+\.log: ENOSPC: no space left on device/);
    expect(existsSync(path.join(mnt, 'out', 'report.json'))).toBe(false);
    const cached = validCacheEntries(path.join(dir, '.kmatrix', 'cache'));
    expect(cached).toBeGreaterThanOrEqual(3);
    expect(cached).toBeLessThan(8);
    // with space again, the next run executes only what the cache lacks
    const before = executions(dir);
    execFileSync('rm', ['-rf', path.join(mnt, 'out')]);
    const again = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], { cwd: dir });
    expect(again.exitCode).toBe(0);
    expect(executions(dir) - before).toBe(8 - cached);
    expect(readdirSync(mnt)).toEqual([]);
  }, 60_000);
});
