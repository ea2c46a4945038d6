/**
 * The command backend's program as a person meets it: one that is not executable is a usage
 * error before any cell (with the chmod +x to type), and the duration a cell's log states is
 * the durationMs report.json gives it, queue time apart.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/schema.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

function commandMatrix(dir: string, script: string, mode: number, boots = ['a']): void {
  writeFileSync(join(dir, 'cell.sh'), script);
  chmodSync(join(dir, 'cell.sh'), mode);
  writeFileSync(
    join(dir, 'm.yaml'),
    `name: cmd\nmatrix:\n  boot: ${JSON.stringify(boots)}\n  workload: [boot]\n` +
      'backend:\n  command: [./cell.sh]\n  timeout: 20s\n',
  );
}

describe('a command program without the execute bit', () => {
  it('is a usage error at plan and run start, naming the chmod +x to type', () => {
    const dir = tempDir();
    commandMatrix(dir, '#!/bin/sh\nexit 0\n', 0o644);
    const expected = 'm.yaml: backend.command: ./cell.sh is not executable (chmod +x ./cell.sh)\n';
    const plan = runCli(['plan', 'm.yaml'], { cwd: dir });
    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toBe(expected);
    const run = runCli(['run', 'm.yaml', '--report-dir', 'out'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toBe(expected);
    // nothing half-written: the check comes before the report folder
    expect(existsSync(join(dir, 'out'))).toBe(false);
    chmodSync(join(dir, 'cell.sh'), 0o755);
    expect(runCli(['run', 'm.yaml', '--report-dir', 'out'], { cwd: dir }).exitCode).toBe(0);
  });

  it('is named with a path from where kmatrix runs', () => {
    const dir = tempDir();
    commandMatrix(dir, '#!/bin/sh\nexit 0\n', 0o600);
    const r = runCli(['plan', join(dir, 'm.yaml')], { cwd: join(dir, '..') });
    expect(r.exitCode).toBe(2);
    const sub = dir.split('/').at(-1)!;
    expect(r.stderr).toContain(`is not executable (chmod +x ${sub}/cell.sh)`);
  });
});

describe('the duration a command log states', () => {
  // through spawner shells (the default) and through a plain spawn (KMATRIX_SPAWNER=0)
  for (const spawner of ['1', '0'])
    it(`is report.json's durationMs, queue time apart (KMATRIX_SPAWNER=${spawner})`, () => {
      const dir = tempDir();
      // three cells on one job: the second and third queue while the first sleeps
      commandMatrix(dir, '#!/bin/sh\nsleep 0.3\necho "BUG: x"\nexit 1\n', 0o755, ['a', 'b', 'c']);
      const r = runCli(['run', 'm.yaml', '--report-dir', 'out', '-j', '1', '--no-cache'], {
        cwd: dir,
        env: { KMATRIX_SPAWNER: spawner },
      });
      expect(r.exitCode).toBe(1);
      const report = JSON.parse(readFileSync(join(dir, 'out', 'report.json'), 'utf8')) as RunReport;
      expect(report.cells).toHaveLength(3);
      for (const c of report.cells) {
        const log = readFileSync(join(dir, 'out', c.log!.split('#')[0]!), 'utf8');
        const stated = /\[kmatrix\] exit code 1 after (\d+\.\d{3})s\n$/.exec(log)?.[1];
        expect(stated, log).toBeDefined();
        expect(Math.round(Number(stated) * 1000)).toBe(c.durationMs);
        // the program slept 0.3s; a queued cell's wait for the first is not in it
        expect(c.durationMs).toBeGreaterThanOrEqual(300);
        expect(c.durationMs).toBeLessThan(report.durationMs);
      }
    });
});
