/**
 * A run owns its report folder: a reused --report-dir is cleared of what the previous run wrote
 * (and only that), a folder kmatrix did not write is refused, and a second run into a folder in
 * use is refused (exit 2) instead of interleaving events.jsonl; a killed run's lock is taken over.
 */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, filesBelow, readReport, STACK } from './helpers.js';

const LOCK = '.kmatrix-lock';

describe('report folder ownership', () => {
  it('a reused --report-dir keeps nothing of the previous run but files kmatrix does not write', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const first = commandMatrix(dir, ['kmx=fail', 'kmx=pass']);
    const r1 = runCli(
      ['run', first, '--report-dir', 'out', '--reporter', 'junit,markdown,html', '--no-cache'],
      {
        cwd: dir,
      },
    );
    expect(r1.exitCode).toBe(1);
    expect(existsSync(path.join(out, 'junit.xml'))).toBe(true);
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const second = commandMatrix(dir, ['kmx=chatty']);
    const r2 = runCli(['run', second, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(r2.stderr).not.toMatch(STACK);
    expect(r2.exitCode).toBe(0);
    expect(readReport(out).cells.map((c) => c.boot)).toEqual(['kmx=chatty']);
    expect(filesBelow(out).sort()).toEqual(
      ['.kmatrix-report', 'events.jsonl', 'logs/passed.log', 'notes.txt', 'report.json'].sort(),
    );
    const events = readFileSync(path.join(out, 'events.jsonl'), 'utf8');
    expect(events).not.toContain('kmx=fail');
  });

  it('symbolic links planted where kmatrix writes are removed, never followed', () => {
    const dir = tempDir();
    const out = path.join(dir, 'out');
    const file = commandMatrix(dir, ['kmx=pass', 'kmx=fail']);
    expect(
      runCli(['run', file, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir }).exitCode,
    ).toBe(1);
    // someone with write access to the folder plants links to files outside it
    const outside = path.join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret'), 'keep me');
    rmSync(path.join(out, 'logs'), { recursive: true });
    symlinkSync(outside, path.join(out, 'logs'));
    rmSync(path.join(out, 'events.jsonl'));
    symlinkSync(path.join(outside, 'secret'), path.join(out, 'events.jsonl'));
    const r = runCli(['run', file, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(1);
    expect(readdirSync(outside)).toEqual(['secret']);
    expect(readFileSync(path.join(outside, 'secret'), 'utf8')).toBe('keep me');
    expect(lstatSync(path.join(out, 'logs')).isDirectory()).toBe(true);
    expect(readReport(out).summary).toMatchObject({ passed: 1, failed: 1 });
  });

  it('a non-empty folder kmatrix did not write is refused and left alone', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'home'));
    writeFileSync(path.join(dir, 'home', 'thesis.tex'), 'precious');
    const file = commandMatrix(dir, ['kmx=pass']);
    const r = runCli(['run', file, '--report-dir', 'home', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      `report folder ${path.join(dir, 'home')} is not empty and was not written by kmatrix ` +
        '(no report.json or .kmatrix-report): choose another --report-dir or empty it',
    );
    expect(readdirSync(path.join(dir, 'home'))).toEqual(['thesis.tex']);
  });

  it('a run into a folder in use is refused with the holder pid; a killed holder is taken over', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=hang'], { timeout: '20s' });
    const holder = startCli(['run', file, '--report-dir', 'out', '--no-cache', '--no-progress'], {
      cwd: dir,
    });
    const lock = path.join(dir, 'out', LOCK);
    for (let i = 0; i < 200 && !existsSync(path.join(dir, 'count')); i++) await sleep(50);
    expect(readFileSync(lock, 'utf8').trim()).toBe(String(holder.pid));
    const second = runCli(['run', file, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(second.stderr).not.toMatch(STACK);
    expect(second.exitCode).toBe(2);
    expect(second.stderr.trim()).toBe(
      `report folder ${path.join(dir, 'out')} is in use by pid ${holder.pid}`,
    );
    holder.kill('SIGKILL');
    await holder;
    expect(existsSync(lock)).toBe(true);
    const pass = commandMatrix(dir, ['kmx=pass']);
    const third = runCli(['run', pass, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(third.stderr).not.toMatch(STACK);
    expect(third.exitCode).toBe(0);
    expect(readReport(path.join(dir, 'out')).cells.map((c) => c.status)).toEqual(['pass']);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);
});
