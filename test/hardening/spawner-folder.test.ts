/**
 * The spawner shells' folder (script files and their queue) lives under .kmatrix/ in the
 * current directory, not in a shared /tmp; removing it mid-run ends the waiting cell with an
 * error naming it, and the run ends instead of waiting for good.
 */
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport, STACK } from './helpers.js';

describe('the spawner folder', () => {
  it('is under .kmatrix/; removed mid-run, the next cell is an error and the run ends', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'x.sh'),
      '#!/bin/sh\n[ "$KMATRIX_BOOT" = a ] && { touch started; sleep 3; }\nexit 0\n',
    );
    chmodSync(path.join(dir, 'x.sh'), 0o755);
    const doc = {
      name: 'f',
      matrix: { boot: ['a', 'b', 'c'], workload: ['boot'] },
      backend: { command: ['./x.sh'] },
    };
    writeFileSync(path.join(dir, 'm.yaml'), stringify(doc));
    const run = startCli(['run', 'm.yaml', '--report-dir', 'out', '-j', '1', '--no-progress'], {
      cwd: dir,
      timeoutMs: 40_000,
    });
    const state = path.join(dir, '.kmatrix');
    let removed: string | undefined;
    for (let i = 0; i < 100 && !removed; i++) {
      await new Promise((r) => setTimeout(r, 50));
      if (!existsSync(path.join(dir, 'started'))) continue;
      const spawner = existsSync(state)
        ? readdirSync(state).find((f) => f.startsWith('spawner-'))
        : undefined;
      if (spawner) rmSync((removed = path.join(state, spawner)), { recursive: true });
    }
    expect(removed).toBeDefined();
    const r = await run;
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(3);
    const by = Object.fromEntries(readReport(path.join(dir, 'out')).cells.map((c) => [c.boot, c]));
    expect(by.a!.status).toBe('pass');
    expect([by.b!.status, by.b!.signature]).toEqual([
      'error',
      `cannot run ./x.sh: the spawner folder ${removed} was removed`,
    ]);
    expect(['pass', 'error']).toContain(by.c!.status);
  }, 60_000);
});
