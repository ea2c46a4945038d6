/**
 * `kmatrix report` and `kmatrix merge` end to end through
 * the real binary (dist/ built by test/global-setup.ts).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogTail } from '../../src/report/io.js';
import type { CellResult, RunReport } from '../../src/report/schema.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureReport, fixtureRun, writeShard } from './helpers.js';

const SUMMARY =
  '33 cells: 17 passed, 3 failed, 1 flaky, 1 timeout, 1 error, 1 skipped, 8 invalid, 1 duplicate ' +
  '(23 executed, 1 cached) in 31.2s';

describe('kmatrix report', () => {
  it('renders the table by default', () => {
    const r = runCli(['report', fixtureRun()]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  ✗ BUG: Bad page state in process swapper pfn:<pfn>  (2 cells)');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(SUMMARY);
  });

  it('re-renders every reporter from the event log alone', () => {
    const dir = fixtureRun();
    // report.json -> events.jsonl, then drop report.json: everything must come back from the log
    expect(runCli(['report', dir, '--reporter', 'events']).exitCode).toBe(0);
    rmSync(join(dir, 'report.json'));
    const r = runCli(['report', dir, '--reporter', 'json,junit,markdown,html'], { cwd: dir });
    // each file a reporter wrote, named as `run` names report.json
    expect(r.stderr).toBe(
      ['junit.xml', 'report.html', 'report.json', 'summary.md'].map((f) => `wrote: ${f}\n`).join(''),
    );
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(fixtureReport());
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toContain(
      'tests="33" failures="3" errors="2" skipped="10"',
    );
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain(
      '## kmatrix: `mm-highmem-cma` — ❌ failed',
    );
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(
      '<title>kmatrix: mm-highmem-cma (failed)</title>',
    );
  });

  it('pivots the table with --rows/--cols', () => {
    const r = runCli(['report', fixtureRun(), '--rows', 'arch', '--cols', 'workload']);
    expect(r.exitCode).toBe(0);
    // the table only: no file written
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[1]).toMatch(/│ arch +│ workload=boot +│ workload=dma-alloc +│/);
  });

  it('isolates a throwing user reporter: the others still write, exit 3', () => {
    const dir = fixtureRun();
    writeFileSync(
      join(dir, 'boom.mjs'),
      "export default { name: 'boom', onRunEnd() { throw new Error('cannot reach dashboard'); } };\n",
    );
    const r = runCli(['report', dir, '--reporter', `./boom.mjs,markdown`], { cwd: dir });
    expect(r.stderr).toBe('kmatrix: reporter boom failed: cannot reach dashboard\nwrote: summary.md\n');
    expect(r.exitCode).toBe(3);
    expect(existsSync(join(dir, 'summary.md'))).toBe(true);
  });

  it('bad input: one clear line, exit 2, no stack trace', () => {
    const missing = runCli(['report', join(tempDir(), 'nope')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(
      /^\S*nope: not a kmatrix run folder \(no events\.jsonl or report\.json\)\n$/,
    );
    const typo = runCli(['report', fixtureRun(), '--reporter', 'htm']);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toContain('unknown reporter "htm" (did you mean "html"?)');
    expect(typo.stderr).not.toContain('    at ');
    const dir = tempDir();
    writeFileSync(join(dir, 'report.json'), '{"version": 1, "matrix": ');
    const broken = runCli(['report', dir]);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/report\.json:1:1: not valid JSON/);
  });
});

describe('kmatrix merge', () => {
  it('merges shards into a run equal to the whole, renderable by every reporter', async () => {
    const whole = fixtureReport();
    const shards = await Promise.all(
      [1, 2].map((k) => writeShard(whole, k, 2, (c, i) => i % 2 === k - 1 || c.status === 'invalid')),
    );
    const out = join(tempDir(), 'merged');
    const r = runCli(['merge', ...shards, '-o', out, '--reporter', 'junit,table']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe(`kmatrix: merged 2 runs (33 cells) into ${out}\n`);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(SUMMARY.replace('31.2s', '2.0s'));
    const merged = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport;
    expect(merged.summary).toEqual(whole.summary);
    const key = (c: CellResult) => `${c.id} ${c.status} ${c.signature ?? ''}`;
    expect(merged.cells.map(key).sort()).toEqual(whole.cells.map(key).sort());
    expect(existsSync(join(out, 'events.jsonl'))).toBe(true);
    expect(existsSync(join(out, 'junit.xml'))).toBe(true);
    expect(existsSync(join(out, 'logs/i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc.log'))).toBe(true);
    const again = runCli(['report', out, '--reporter', 'html']);
    expect(again.exitCode).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain(
      'BUG: Bad page state in process swapper  pfn:3fe12',
    );
  });

  it('merges real shard runs: every cell keeps its log, packed ones included', () => {
    const dir = tempDir();
    const matrix = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const run = (args: string[]) =>
      runCli(['run', matrix, '--no-cache', '--reporter', 'json', '--no-progress', ...args], { cwd: dir });
    for (const [i, args] of [['whole'], ['s1', '--shard', '1/2'], ['s2', '--shard', '2/2']].entries())
      expect(run(['--report-dir', ...args]).exitCode, String(i)).toBeLessThan(2);
    expect(runCli(['merge', 's1', 's2', '-o', 'merged', '--reporter', 'json'], { cwd: dir }).exitCode).toBe(
      0,
    );
    const cells = (run: string) =>
      (JSON.parse(readFileSync(join(dir, run, 'report.json'), 'utf8')) as RunReport).cells;
    const whole = new Map(
      cells('whole').map((c) => [c.id, readLogTail(join(dir, 'whole'), c.log, 1000, 1 << 20)]),
    );
    const merged = cells('merged');
    expect(merged.some((c) => c.log?.startsWith('logs/passed.log#'))).toBe(true);
    expect(merged.some((c) => c.status === 'fail' && c.log && !c.log.includes('#'))).toBe(true);
    for (const c of merged)
      expect(readLogTail(join(dir, 'merged'), c.log, 1000, 1 << 20), c.id).toBe(whole.get(c.id));
  });

  it('refuses shards of different matrices with exit 2', async () => {
    const whole = fixtureReport();
    const a = await writeShard(whole, 1, 2, (_c, i) => i % 2 === 0);
    const b = await writeShard({ ...whole, matrix: 'numa-fake' }, 2, 2, (_c, i) => i % 2 === 1);
    const r = runCli(['merge', a, b, '-o', join(tempDir(), 'm')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^merge: the runs are of different matrices: mm-highmem-cma \(.*\), numa-fake \(.*\)\n$/,
    );
  });
});
