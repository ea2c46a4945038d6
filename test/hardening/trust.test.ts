/**
 * Shard and report folders from others are not trusted: a tampered events.jsonl, log
 * reference, planted symbolic link or partial set of shards gives one located line and exit 2,
 * never a file from outside the run folder in the output, a stack trace or a half-written merge.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { filesBelow, ROOT, STACK } from './helpers.js';

const MATRIX = path.join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
const SECRET = 'TOP-SECRET-TOKEN-0123456789abcdef-do-not-leak';

let dir: string;
/** A run of the whole matrix and its three shards, made once. */
const RUNS = ['whole', 's1', 's2', 's3'] as const;

function run(reportDir: string, ...args: string[]): CliResult {
  return runCli(
    ['run', MATRIX, '--no-cache', '--no-progress', '--reporter', 'json', '--report-dir', reportDir, ...args],
    {
      cwd: dir,
    },
  );
}

beforeAll(() => {
  dir = tempDir();
  writeFileSync(path.join(dir, 'secret'), `${SECRET}\n`);
  const shard = { whole: [], s1: ['--shard', '1/3'], s2: ['--shard', '2/3'], s3: ['--shard', '3/3'] };
  for (const name of RUNS) expect(run(name, ...shard[name]).exitCode, name).toBeLessThan(2);
});

/** A copy of one of the runs, its events.jsonl passed through `edit`. */
function tampered(
  from: (typeof RUNS)[number],
  edit: (text: string, copy: string) => string = (t) => t,
): string {
  const copy = tempDir('kmatrix-tampered-');
  cpSync(path.join(dir, from), copy, { recursive: true });
  const events = path.join(copy, 'events.jsonl');
  writeFileSync(events, edit(readFileSync(events, 'utf8'), copy));
  return copy;
}

/** Every file below `root` that holds the secret. */
const leaks = (root: string) =>
  existsSync(root)
    ? filesBelow(root).filter((f) => readFileSync(path.join(root, f), 'utf8').includes(SECRET))
    : [];

/** A bad-input refusal: exit 2, one line, no stack. */
function expectRefused(r: CliResult, line: RegExp): void {
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stderr).toMatch(line);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.exitCode).toBe(2);
}

describe('log references stay inside their run folder', () => {
  const firstPacked = (text: string) => /"log":"(logs\/passed\.log#\d+-\d+)"/.exec(text)![1]!;
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  for (const [what, ref] of [
    ['a relative path out of the folder', 'SECRET#0-48'],
    ['an absolute path', '/proc/self/environ#0-4000'],
    ['a range of a terabyte', 'logs/passed.log#0-1000000000000'],
  ] as const) {
    it(`refuses ${what} (${ref}) with the events.jsonl line, in merge and report`, () => {
      let line = 0;
      const shard = tampered('whole', (text, copy) => {
        const packed = firstPacked(text);
        line = lineOf(text, packed);
        return text.replaceAll(packed, ref.replace('SECRET', path.relative(copy, path.join(dir, 'secret'))));
      });
      const out = path.join(tempDir(), 'merged');
      const merged = runCli(['merge', shard, '-o', out, '--reporter', 'junit,html']);
      expectRefused(merged, new RegExp(`^${shard}/events\\.jsonl:${line}:1: .*log.*\\n$`));
      expect(existsSync(out)).toBe(false);
      const report = runCli(['report', shard, '--reporter', 'junit,html']);
      expectRefused(report, new RegExp(`^${shard}/events\\.jsonl:${line}:1: .*log.*\\n$`));
      expect(leaks(shard)).toEqual([]);
    });
  }

  it('refuses a log that is a symbolic link out of the folder, and a range past the end of its file', () => {
    const linked = tampered('whole', (text) => text.replaceAll(firstPacked(text), 'logs/evil.log'));
    symlinkSync(path.join(dir, 'secret'), path.join(linked, 'logs/evil.log'));
    const out = path.join(tempDir(), 'merged');
    expectRefused(
      runCli(['merge', linked, '-o', out, '--reporter', 'junit,html']),
      /^.*events\.jsonl:\d+:1: cell: log logs\/evil\.log leads out of the run folder\n$/,
    );
    expect(existsSync(out)).toBe(false);
    expectRefused(runCli(['report', linked, '--reporter', 'junit,html']), /leads out of the run folder/);
    expect(leaks(linked)).toEqual([]);

    const long = tampered('whole', (text) =>
      text.replaceAll(firstPacked(text), 'logs/passed.log#0-99999999'),
    );
    expectRefused(
      runCli(['report', long, '--reporter', 'html']),
      /log logs\/passed\.log#0-99999999 .*past the end/,
    );
  });
  it('checks a report.json without events.jsonl the same way', () => {
    const run = tampered('whole');
    rmSync(path.join(run, 'events.jsonl'));
    const json = path.join(run, 'report.json');
    const text = readFileSync(json, 'utf8');
    const packed = /"log": "(logs\/passed\.log#\d+-\d+)"/.exec(text)![1]!;
    writeFileSync(json, text.replace(packed, '/proc/self/environ#0-4000'));
    const out = path.join(tempDir(), 'merged');
    expectRefused(
      runCli(['merge', run, '-o', out, '--reporter', 'junit,html']),
      new RegExp(`^${json}:1:1: cells\\.\\d+\\.log: not a log path inside the run folder\\n$`),
    );
    expect(existsSync(out)).toBe(false);
    writeFileSync(json, text.replace(packed, 'logs/evil.log'));
    symlinkSync(path.join(dir, 'secret'), path.join(run, 'logs/evil.log'));
    expectRefused(
      runCli(['report', run, '--reporter', 'junit,html']),
      /cells\.\d+\.log: log logs\/evil\.log leads out/,
    );
    expect(leaks(run)).toEqual([]);
  });
});

describe('every events.jsonl line is checked', () => {
  for (const [what, bad] of [
    ['a plan that is an empty object', '{"type":"runStart","version":2,"plan":{}}'],
    ['null', 'null'],
    ['a number', '42'],
    ['a cellEnd without a cell', '{"type":"cellEnd","ms":3}'],
    ['a cellEnd of the wrong shape', '{"type":"cellEnd","ms":3,"cell":{"id":7,"status":"great"}}'],
    ['a runEnd without a report', '{"type":"runEnd","ms":9,"reason":"passed","cells":[]}'],
  ] as const) {
    it(`${what} is a located error, exit 2`, () => {
      const line = bad.includes('runStart') ? 1 : 2;
      const run = tampered('s1', (text) => {
        const lines = text.split('\n');
        lines.splice(line - 1, line === 1 ? 1 : 0, bad);
        return lines.join('\n');
      });
      expectRefused(
        runCli(['report', run, '--reporter', 'html']),
        new RegExp(`^${run}/events\\.jsonl:${line}:1: .+\\n$`),
      );
    });
  }
});

describe('merge never writes through a symbolic link', () => {
  it('refuses -o that is a link to one of the runs; its logs stay whole', () => {
    const shard = tampered('whole');
    const before = readFileSync(path.join(shard, 'logs/passed.log'));
    const link = path.join(tempDir(), 'link');
    symlinkSync(shard, link);
    expectRefused(runCli(['merge', shard, '-o', link]), /^merge: -o .* is one of the runs being merged/);
    expect(readFileSync(path.join(shard, 'logs/passed.log'))).toEqual(before);
  });

  it('refuses an output folder with planted links; the files they point at stay as they were', () => {
    const victim = tempDir('kmatrix-victim-');
    writeFileSync(path.join(victim, 'precious'), 'keep me\n');
    mkdirSync(path.join(victim, 'logs'));
    for (const [planted, target] of [
      ['events.jsonl', 'precious'],
      ['logs', 'logs'],
    ] as const) {
      const out = tempDir();
      symlinkSync(path.join(victim, target), path.join(out, planted));
      expectRefused(
        runCli(['merge', path.join(dir, 'whole'), '-o', out]),
        new RegExp(`^merge: ${out}/${planted} is a symbolic link`),
      );
      expect(readFileSync(path.join(victim, 'precious'), 'utf8')).toBe('keep me\n');
      expect(readdirSync(path.join(victim, 'logs'))).toEqual([]);
    }
  });
});

describe('merge checks that the shards cover the plan exactly once', () => {
  const merge = (runs: string[], ...args: string[]) =>
    runCli(['merge', ...runs.map((r) => path.join(dir, r)), '-o', path.join(tempDir(), 'm'), ...args]);

  it('merges the three shards of one plan into the whole run, plan hash kept', () => {
    const r = merge(['s3', 's1', 's2'], '--gate', '--reporter', 'json');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBeLessThan(2);
    const whole = JSON.parse(readFileSync(path.join(dir, 'whole/report.json'), 'utf8')) as {
      planHash: string;
    };
    expect(whole.planHash).toMatch(/^[0-9a-f]{64}$/);
    for (const s of ['s1', 's2', 's3'])
      expect(JSON.parse(readFileSync(path.join(dir, s, 'report.json'), 'utf8'))).toMatchObject({
        planHash: whole.planHash,
      });
  });

  it('refuses a missing shard, even without --gate', () => {
    expectRefused(merge(['s2'], '--gate'), /^merge: shards 1\/3, 3\/3 of .* are missing/);
    expectRefused(merge(['s1', 's3']), /^merge: shard 2\/3 of .* is missing/);
  });

  it('refuses a shard given twice', () => {
    const again = tampered('s2');
    expectRefused(
      runCli([
        'merge',
        ...['s1', 's2', 's3'].map((s) => path.join(dir, s)),
        again,
        '-o',
        path.join(tempDir(), 'm'),
      ]),
      /^merge: shard 2\/3 is given twice: .*s2 and .*/,
    );
  });

  it('refuses shards of different counts and of different plans', () => {
    const half = tempDir();
    expect(
      runCli([
        'run',
        MATRIX,
        '--no-cache',
        '--no-progress',
        '--reporter',
        'json',
        '--shard',
        '2/2',
        '--report-dir',
        half,
      ]).exitCode,
    ).toBeLessThan(2);
    expectRefused(
      runCli(['merge', path.join(dir, 's1'), half, '-o', path.join(tempDir(), 'm')]),
      /^merge: the shards are of different splits: .*s1 is 1\/3, .* is 2\/2/,
    );
    // the same matrix name, another revision: one boot value fewer
    const revised = path.join(tempDir(), 'm.yaml');
    const yaml = readFileSync(MATRIX, 'utf8');
    expect(yaml).toContain('[v4.16, ');
    writeFileSync(
      revised,
      yaml.replace('history: histories/', `history: ${ROOT}/matrices/histories/`).replace('[v4.16, ', '['),
    );
    const other = tempDir();
    runCli([
      'run',
      revised,
      '--no-cache',
      '--no-progress',
      '--reporter',
      'json',
      '--shard',
      '3/3',
      '--report-dir',
      other,
    ]);
    expectRefused(
      runCli(['merge', path.join(dir, 's1'), path.join(dir, 's2'), other, '-o', path.join(tempDir(), 'm')]),
      /^merge: the shards are of different plans .*: /,
    );
  });

  it('does not gate on shards without a plan hash (older kmatrix), but still merges them', () => {
    const strip = (s: 's1' | 's2' | 's3') => {
      const copy = tampered(s, (t) => t.replace(/"planHash":"[0-9a-f]+",?/g, ''));
      const json = path.join(copy, 'report.json');
      writeFileSync(json, readFileSync(json, 'utf8').replace(/"planHash": "[0-9a-f]+",?/g, ''));
      return copy;
    };
    const old = [strip('s1'), strip('s2'), strip('s3')];
    const out = path.join(tempDir(), 'm');
    expectRefused(
      runCli(['merge', ...old, '-o', out, '--gate']),
      /^merge: cannot check .* no plan hash .*--gate/,
    );
    const r = runCli(['merge', ...old, '-o', out]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toMatch(/warning: .* no plan hash/);
  });
});
