/**
 * A `--reporter` module is code run with kmatrix's rights, but an accident in it must not decide
 * the run: process.exit(0) from a hook of a failing run leaves the exit code 1 and report.json
 * written. A matrix with nothing to run says so: exit 2 when include/exclude leave no cell at
 * all, one line on stderr (exit 0) when every cell is invalid or duplicate.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, readReport, STACK } from './helpers.js';

function reporterModule(dir: string, name: string, body: string): string {
  writeFileSync(path.join(dir, name), body);
  return `./${name}`;
}

describe('custom reporters cannot end the run', () => {
  it('process.exit(0) in onRunStart and onRunEnd: the failing run exits 1 with report.json', () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=fail', 'kmx=pass']);
    const start = reporterModule(dir, 'start.mjs', 'export default { onRunStart() { process.exit(0); } };\n');
    const end = reporterModule(
      dir,
      'end.mjs',
      'export default { name: "end", async onRunEnd() { await null; process.exit(0); } };\n',
    );
    const r = runCli(
      ['run', file, '--report-dir', 'out', '--no-cache', '--no-progress', '--reporter', `${start},${end}`],
      { cwd: dir },
    );
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(1);
    expect(readReport(path.join(dir, 'out')).summary).toMatchObject({ failed: 1, passed: 1 });
    expect(r.stderr).toContain('kmatrix: reporter ./start.mjs failed: it called process.exit(0)');
    expect(r.stderr).toContain('kmatrix: reporter end failed: it called process.exit(0)');
    expect(existsSync(path.join(dir, 'out', '.kmatrix-lock'))).toBe(false);
  });

  it('process.exit at the top level of a reporter module is refused with exit 2 before any cell runs', () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=fail']);
    const bad = reporterModule(dir, 'top.mjs', 'process.exit(0);\nexport default { onRunEnd() {} };\n');
    const r = runCli(['run', file, '--report-dir', 'out', '--no-progress', '--reporter', bad], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toBe(
      '--reporter: cannot load reporter module ./top.mjs: it called process.exit(0) while loading',
    );
  });
});

describe('matrices with nothing to run', () => {
  it('include/exclude that leave no cell: exit 2, located at exclude', () => {
    const dir = tempDir();
    commandMatrix(dir, ['kmx=pass'], {}, { exclude: [{ workload: 'boot' }] });
    const r = runCli(['run', 'm.yaml', '--report-dir', 'out', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(
      /^m\.yaml:\d+:1: exclude: exclude removes every combination of the matrix: no cell to run \(/,
    );
  });

  it('every cell invalid: one clear line on stderr, exit 0', () => {
    const dir = tempDir();
    const matrix = { arch: ['x86_64'], kconfig: { HIGHMEM: ['y'] } };
    commandMatrix(dir, ['kmx=pass'], {}, { matrix });
    const r = runCli(['run', 'm.yaml', '--report-dir', 'out', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(
      'kmatrix: no cell ran: the 1 cell is invalid or a duplicate (kmatrix plan m.yaml shows why)',
    );
  });
});
