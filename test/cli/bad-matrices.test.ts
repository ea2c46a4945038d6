import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

// The corpus of malformed matrices: each must give exactly its one located error line,
// exit status 2, no stack trace and nothing on stdout.
const DIR = 'test/fixtures/bad';
const expected = JSON.parse(readFileSync(path.join(ROOT, DIR, 'expected.json'), 'utf8')) as Record<
  string,
  string
>;
const fixtures = readdirSync(path.join(ROOT, DIR))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('kmatrix plan on malformed matrices', () => {
  it('has a corpus of at least 30 fixtures, each with its expected message', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(30);
    expect(Object.keys(expected).sort()).toEqual(fixtures);
  });

  for (const f of fixtures) {
    it(f, () => {
      const r = runCli(['plan', `${DIR}/${f}`]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).toBe(`${expected[f]}\n`);
      expect(r.stderr).toMatch(/^[^\s:]+:\d+:\d+: /);
    });
  }

  it('reports every problem of a file at once', () => {
    const r = runCli(['plan', 'test/fixtures/multi-error.yaml']);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines.map((l) => l.split(': ')[0])).toEqual([
      'test/fixtures/multi-error.yaml:3:16',
      'test/fixtures/multi-error.yaml:5:5',
      'test/fixtures/multi-error.yaml:6:25',
      'test/fixtures/multi-error.yaml:7:3',
    ]);
  });

  it('refuses a matrix above the cell limit with its count unless --max-cells raises it', () => {
    const r = runCli(['plan', 'test/fixtures/wide.yaml', '--max-cells', '100']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'test/fixtures/wide.yaml:2:1: matrix: matrix expands to 160 cells, more than the limit of 100 ' +
        '(narrow an axis, add excludes, or raise the limit with --max-cells)\n',
    );
    const ok = runCli(['plan', 'test/fixtures/wide.yaml', '--max-cells', '200', '--json']);
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout).summary.total).toBe(160);
  });

  it('a missing matrix file is a located error too', () => {
    const r = runCli(['plan', 'no/such/matrix.yaml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'no/such/matrix.yaml:1:1: cannot read matrix file no/such/matrix.yaml: no such file\n',
    );
  });

  it('an unknown option is a usage error with exit 2', () => {
    const r = runCli(['plan', '--frobnicate', 'x.yaml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });
});
