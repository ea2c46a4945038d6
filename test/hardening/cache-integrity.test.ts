/**
 * A poisoned result cache: an edited entry (a `fail` flipped to `pass`) is a miss with a
 * warning, not a silent pass; entries and folders are private to the user; `--verify-cache N`
 * re-runs N cached cells and fails the run (exit 3, naming the cells) when an entry lies even
 * with its integrity hash recomputed. The hash stops accidents and naive edits, not a forger.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { entrySum } from '../../src/run/cache.js';
import { FileYamlMemo } from '../../src/run/yaml-memo.js';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, executions, readReport, STACK } from './helpers.js';

type Entry = Record<string, unknown>;

/** Rewrites every entry of the cache with `edit` (and, with `forge`, a recomputed hash). */
function poison(cache: string, edit: (e: Entry) => void, forge = false): void {
  for (const e of cacheEntryFiles(cache)) {
    const entry = JSON.parse(e.text) as Entry;
    edit(entry);
    if (forge) {
      delete entry.sum;
      entry.sum = entrySum(e.key, entry);
    }
    writeFileSync(path.join(cache, e.name), JSON.stringify(entry));
  }
}

const flip = (e: Entry) => {
  if (e.status === 'fail') {
    e.status = 'pass';
    delete e.signature;
  }
};

async function firstRun(boots: string[]) {
  const dir = tempDir();
  const file = commandMatrix(dir, boots);
  const run = (out: string, ...more: string[]) =>
    startCli(['run', file, '--report-dir', out, '--no-progress', ...more], { cwd: dir });
  expect((await run('first')).exitCode).toBe(1);
  return { dir, run, cache: path.join(dir, '.kmatrix', 'cache') };
}

describe('cache integrity', () => {
  it('an entry edited from fail to pass is a miss with a warning; the cell fails again', async () => {
    const { dir, run, cache } = await firstRun(['kmx=fail', 'kmx=pass']);
    poison(cache, flip);
    const r = await run('again');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stderr).toMatch(/warning: cache entry [0-9a-f]+ does not match its integrity hash: ignored/);
    expect(r.exitCode).toBe(1);
    expect(readReport(path.join(dir, 'again')).cells.map((c) => [c.status, c.cached])).toEqual([
      ['fail', false],
      ['pass', true],
    ]);
  }, 60_000);

  it('an entry with a recomputed hash but a negative duration or zero attempts is a miss', async () => {
    const { dir, run, cache } = await firstRun(['kmx=fail', 'kmx=pass']);
    poison(cache, (e) => (e.status === 'fail' ? (e.attempts = 0) : (e.durationMs = -5)), true);
    expect((await run('again')).exitCode).toBe(1);
    expect(executions(dir)).toBe(4);
  }, 60_000);

  it('entries are 0600 in 0700 folders', async () => {
    const { cache } = await firstRun(['kmx=fail']);
    expect(statSync(cache).mode & 0o777).toBe(0o700);
    for (const e of cacheEntryFiles(cache)) {
      expect(statSync(path.join(cache, e.name)).mode & 0o777).toBe(0o600);
      expect(statSync(path.dirname(path.join(cache, e.name))).mode & 0o777).toBe(0o700);
    }
  }, 60_000);

  it('--verify-cache N re-runs N cached cells and fails the run when a forged entry lies', async () => {
    const boots = ['kmx=fail', 'kmx=pass a', 'kmx=pass b'];
    const { dir, run, cache } = await firstRun(boots);
    const clean = await run('clean', '--verify-cache', '2');
    expect(clean.exitCode).toBe(1);
    expect(executions(dir)).toBe(3 + 2);
    poison(cache, flip, true);
    // the forged entry fools a plain run
    expect((await run('fooled')).exitCode).toBe(0);
    const r = await run('verified', '--verify-cache', '3');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(3);
    const id = readReport(path.join(dir, 'verified')).cells.find((c) => c.boot === 'kmx=fail')!.id;
    expect(r.stderr).toContain(`kmatrix: error: --verify-cache: 1 of 3 cached cells differ when re-run`);
    expect(r.stderr).toContain(
      `${id}: cached pass, re-run fail (Kernel panic - not syncing: hardening test)`,
    );
    expect(readFileSync(path.join(dir, 'verified', 'report.json'), 'utf8')).toContain('"fail"');
  }, 90_000);

  it('an edited YAML memo is a miss with a warning; memo files are 0600', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const memo = new FileYamlMemo(dir, (m) => warnings.push(m));
    memo.put('a: 1\n', { a: 1, 10: 'ten' });
    expect(memo.get('a: 1\n')).toEqual({ a: 1, 10: 'ten' });
    const [name] = readdirSync(path.join(dir, 'yaml'));
    const file = path.join(dir, 'yaml', name!);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"a":1', '"a":2'));
    expect(memo.get('a: 1\n')).toBeUndefined();
    expect(warnings).toEqual([`YAML memo ${name} does not match its integrity hash: ignored`]);
  });
});
