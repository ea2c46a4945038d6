/**
 * Faults in a command backend, end to end through the CLI: every misbehaving cell ends with
 * its status within timeout + kill grace, and the run goes on to the next cell. 1 GiB of output
 * is capped at --log-cap, marked truncated, and the memory of kmatrix stays bounded.
 * (test/run/command.test.ts covers each fault on the backend alone; this is the whole run.)
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupGone } from '../run/helpers.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, executions, readReport, STACK } from './helpers.js';

/** Peak resident memory (VmHWM, KiB) of a live process, polled until it exits. */
async function peakRssKiB(pid: number, done: Promise<unknown>): Promise<number> {
  let peak = 0;
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]));
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return peak;
}

describe('command backend faults, end to end', () => {
  it('segfault/abort/SIGKILL/hang/ignored TERM/grandchild on the pipe: own status; run goes on', async () => {
    const dir = tempDir();
    const boots = [
      'kmx=segv',
      'kmx=abort',
      'kmx=sigkill',
      'kmx=hang',
      'kmx=ignore-term',
      'kmx=grandchild-hang',
      'kmx=fail',
      'kmx=pass',
    ];
    const file = commandMatrix(dir, boots, {
      timeout: '1500ms',
      env: { COUNT_FILE: path.join(dir, 'count'), PID_FILE: path.join(dir, 'pid') },
    });
    const r = await startCli(['run', file, '--report-dir', 'out', '-j', '2', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    // errors outrank failures and timeouts in the gate
    expect(r.exitCode).toBe(3);
    expect(executions(dir)).toBe(boots.length);
    const report = readReport(path.join(dir, 'out'));
    const by = Object.fromEntries(report.cells.map((c) => [c.boot, c]));
    expect(Object.fromEntries(boots.map((b) => [b, [by[b]!.status, by[b]!.signature]]))).toEqual({
      'kmx=segv': ['error', 'killed by SIGSEGV'],
      'kmx=abort': ['error', 'killed by SIGABRT'],
      'kmx=sigkill': ['error', 'killed by SIGKILL'],
      'kmx=hang': ['timeout', 'timeout'],
      'kmx=ignore-term': ['timeout', 'timeout'],
      'kmx=grandchild-hang': ['timeout', 'timeout'],
      'kmx=fail': ['fail', 'Kernel panic - not syncing: hardening test'],
      'kmx=pass': ['pass', undefined],
    });
    expect(report.summary).toMatchObject({
      total: 8,
      passed: 1,
      failed: 1,
      errors: 3,
      timeouts: 3,
      executed: 8,
    });
    // a timed-out cell ends within its timeout, the SIGTERM->SIGKILL grace (2 s) and the
    // pool's settle time (5 s): a bound of the design, with slack for a loaded machine
    for (const b of ['kmx=hang', 'kmx=ignore-term', 'kmx=grandchild-hang']) {
      expect(by[b]!.durationMs, b).toBeGreaterThanOrEqual(1500);
      expect(by[b]!.durationMs, b).toBeLessThan(1500 + 2000 + 5000 + 5000);
      expect(readFileSync(path.join(dir, 'out', by[b]!.log!), 'utf8')).toMatch(
        /\[kmatrix\] timed out after [\d.]+s, process group killed\n$/,
      );
    }
    expect(readFileSync(path.join(dir, 'out', by['kmx=ignore-term']!.log!), 'utf8')).toContain(
      'ignoring SIGTERM',
    );
    // the grandchild (sleep 1000) of the grandchild-hang cell died with its group
    expect(await groupGone(path.join(dir, 'pid'))).toBe(true);
    // errors and timeouts are not cached: a re-run retries exactly those six
    const again = await startCli(['run', file, '--report-dir', 'again', '-j', '3', '--no-progress'], {
      cwd: dir,
    });
    expect(again.exitCode).toBe(3);
    expect(executions(dir)).toBe(boots.length + 6);
  }, 120_000);

  it('1 GiB of output: capped at --log-cap, marked truncated, tail signature, bounded memory', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=gigabyte', 'kmx=pass'], { timeout: '5m' });
    const child = startCli(
      ['run', file, '--report-dir', 'out', '--log-cap', '1M', '-j', '1', '--no-progress'],
      { cwd: dir },
    );
    const peak = await peakRssKiB(child.pid!, child);
    const r = await child;
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(1);
    const report = readReport(path.join(dir, 'out'));
    const big = report.cells.find((c) => c.boot === 'kmx=gigabyte')!;
    expect(big.status).toBe('fail');
    expect(big.signature).toBe('BUG: unable to handle page fault at the end');
    expect(big.truncated).toBe(true);
    expect(report.cells.find((c) => c.boot === 'kmx=pass')!.status).toBe('pass');
    const log = path.join(dir, 'out', big.log!);
    // head + tail = 1 MiB, plus the truncation marker and the trailer line
    expect(statSync(log).size).toBeGreaterThan(1024 * 1024);
    expect(statSync(log).size).toBeLessThan(1024 * 1024 + 200);
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/^mode gigabyte\nspam spam/);
    expect(text).toMatch(/\n\[kmatrix: output truncated, \d+ bytes omitted\]\n/);
    const omitted = Number(/output truncated, (\d+) bytes omitted/.exec(text)![1]);
    expect(omitted).toBeGreaterThan(1024 ** 3 - 2 * 1024 * 1024);
    expect(text).toMatch(
      /BUG: unable to handle page fault at the end\n\[kmatrix\] exit code 1 after [\d.]+s\n$/,
    );
    // the cap bounds memory: holding 1 GiB would need more than 1,000,000 KiB
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(400 * 1024);
    // the cached entry keeps the capped log, not the gigabyte
    const again = await startCli(['run', file, '--report-dir', 'again', '--no-progress'], { cwd: dir });
    expect(again.exitCode).toBe(1);
    expect(readFileSync(path.join(dir, 'again', big.log!), 'utf8')).toBe(text);
    const cachedReport = readReport(path.join(dir, 'again'));
    expect(cachedReport.cells.map((c) => [c.boot, c.cached, c.truncated])).toEqual([
      ['kmx=gigabyte', true, true],
      ['kmx=pass', true, undefined],
    ]);
    expect(existsSync(path.join(dir, 'again', 'report.json'))).toBe(true);
  }, 180_000);
});
