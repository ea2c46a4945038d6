/**
 * A daemon left by one cell (a `setsid` child that keeps the cell's stdout open and writes
 * later) reaches neither the log nor the signature of the cells that run after it on the same
 * spawner shell, and does not hold its own cell up: the cell ends when its program exits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport, scriptMatrix } from './helpers.js';

// boot `d` leaves a daemon that writes LEAK every 0.1 s while the next cells run, then holds the
// output 2 s more
const CELL = `#!/bin/sh
if [ "$KMATRIX_BOOT" = d ]; then
  setsid sh -c 'touch up; for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.1; echo LEAK; done; sleep 2' &
  # out of the cell's process group before the cell ends (its group is killed then)
  while [ ! -e up ]; do sleep 0.01; done
  echo "daemon started"
  exit 0
fi
sleep 0.25
echo "BUG: done $KMATRIX_BOOT"
exit 1
`;

describe('a daemon a cell leaves behind', () => {
  for (const spawner of ['1', '0'])
    it(`writes into no later cell's log or signature (KMATRIX_SPAWNER=${spawner})`, async () => {
      const dir = tempDir();
      scriptMatrix(dir, CELL, ['d', 'a', 'b', 'c']);
      const r = await startCli(
        ['run', 'm.yaml', '--report-dir', 'out', '-j', '1', '--no-progress', '--no-cache'],
        {
          cwd: dir,
          env: { KMATRIX_SPAWNER: spawner },
        },
      );
      expect(r.exitCode).toBe(1);
      const cells = readReport(path.join(dir, 'out')).cells;
      // a cell that waited for the daemon to close its output would have hit the 2 s timeout
      expect(cells.map((c) => [c.boot, c.status, c.signature])).toEqual([
        ['d', 'pass', undefined],
        ['a', 'fail', 'BUG: done a'],
        ['b', 'fail', 'BUG: done b'],
        ['c', 'fail', 'BUG: done c'],
      ]);
      // what it wrote while its own cell was ending may be in that cell's log, nowhere else
      for (const c of cells.slice(1)) {
        const log = readFileSync(path.join(dir, 'out', c.log!), 'utf8');
        expect(log).toMatch(/^BUG: done [abc]\n\[kmatrix\] exit code 1 after [0-9.]+s\n$/);
      }
    }, 60_000);
});
