/**
 * A kmatrix paused (SIGSTOP) and continued: cells whose programs finished in time are not
 * `timeout`, on either way of starting programs, and durations are the programs' own (as the
 * spawner shell saw them), not the moments kmatrix happened to read their reports. A plain
 * spawn (KMATRIX_SPAWNER=0) has no clock of the program's own: the cell running across the
 * pause counts the pause, the others their own time.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport, scriptMatrix } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a paused kmatrix', () => {
  for (const spawner of ['1', '0'])
    it(`reports cells that finished in time as such (KMATRIX_SPAWNER=${spawner})`, async () => {
      const dir = tempDir();
      scriptMatrix(dir, '#!/bin/sh\ntouch "started-$KMATRIX_BOOT"\nsleep 0.5\nexit 0\n', [
        'a',
        'b',
        'c',
        'd',
      ]);
      const run = startCli(['run', 'm.yaml', '--report-dir', 'out', '-j', '2', '--no-progress'], {
        cwd: dir,
        env: { KMATRIX_SPAWNER: spawner },
      });
      while (!existsSync(path.join(dir, 'started-a'))) await sleep(20);
      run.kill('SIGSTOP');
      await sleep(3000);
      run.kill('SIGCONT');
      const r = await run;
      const cells = readReport(path.join(dir, 'out')).cells;
      expect(cells.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
      expect(r.exitCode).toBe(0);
      for (const c of cells) {
        expect(c.durationMs, c.boot).toBeGreaterThanOrEqual(450);
        // a and b ran across the pause
        if (spawner === '1' || c.boot >= 'c') expect(c.durationMs, c.boot).toBeLessThan(1500);
      }
    }, 60_000);
});
