/**
 * A program that cannot be executed (a shebang naming a missing interpreter, an environment over
 * the kernel's argument limit) is an infrastructure `error` (exit 3, not cached) with a stable
 * signature, through the spawner shells and through a plain spawn alike; a program that itself
 * exits 126 or 127 is still a `fail`.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, readReport, STACK } from './helpers.js';

function scriptMatrix(dir: string, script: string): string {
  const program = path.join(dir, 'x.sh');
  writeFileSync(program, script);
  chmodSync(program, 0o755);
  const file = path.join(dir, 'm.yaml');
  const doc = { name: 'exec', matrix: { boot: [''], workload: ['boot'] }, backend: { command: ['./x.sh'] } };
  writeFileSync(file, stringify(doc));
  return file;
}

const spawners = { spawner: {}, 'plain spawn': { KMATRIX_SPAWNER: '0' } };

describe.each(Object.entries(spawners))('a program that cannot be executed (%s)', (_, env) => {
  it('a missing interpreter is an error with a stable signature, not cached', async () => {
    const dir = tempDir();
    const file = scriptMatrix(dir, '#!/no/such\necho hi\n');
    for (const out of ['a', 'b']) {
      const r = await startCli(['run', file, '--report-dir', out, '--no-progress'], { cwd: dir, env });
      expect(r.stderr).not.toMatch(STACK);
      expect(r.exitCode).toBe(3);
      const [cell] = readReport(path.join(dir, out)).cells;
      expect([cell!.status, cell!.signature, cell!.cached]).toEqual([
        'error',
        'cannot run ./x.sh: bad interpreter /no/such',
        false,
      ]);
    }
  }, 60_000);

  it("the program's own exit 126 and 127 are failures", async () => {
    const dir = tempDir();
    const file = scriptMatrix(dir, '#!/bin/sh\necho "own $KMATRIX_BOOT"\nexit 126\n');
    const r = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], { cwd: dir, env });
    expect(r.exitCode).toBe(1);
    const [cell] = readReport(path.join(dir, 'out')).cells;
    expect([cell!.status, cell!.signature]).toEqual(['fail', 'own']);
  }, 60_000);

  it('an environment over the argument limit is an error', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, [`kmx=pass ${'x'.repeat(200 * 1024)}`]);
    const r = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], { cwd: dir, env });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(3);
    const [cell] = readReport(path.join(dir, 'out')).cells;
    expect([cell!.status, cell!.signature]).toEqual([
      'error',
      `cannot run ${process.execPath}: argument list too long`,
    ]);
  }, 60_000);
});
