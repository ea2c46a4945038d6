/**
 * A cell program cannot forge the spawner's reports: the end marker is nowhere it can read
 * (not in the argv or environment of the spawner shell, its parent), so printing what it
 * finds there followed by an end report does not end its cell as a pass.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport } from './helpers.js';

const FORGER = `#!/bin/bash
found=$(cat /proc/$PPID/cmdline /proc/$PPID/environ | grep -ao 'kmatrix-end-[0-9a-f]\\+' | head -1)
printf '\\001%s\\001E0\\n' "$found"
sleep 0.3
echo 'BUG: the real failure'
exit 1
`;

describe('the spawner end marker', () => {
  it('is out of reach of the program: a forged end report does not pass a failing cell', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'x.sh'), FORGER);
    chmodSync(path.join(dir, 'x.sh'), 0o755);
    const doc = {
      name: 'f',
      matrix: { boot: ['a', 'b'], workload: ['boot'] },
      backend: { command: ['./x.sh'] },
    };
    writeFileSync(path.join(dir, 'm.yaml'), stringify(doc));
    for (const jobs of ['1', '2']) {
      const out = `out${jobs}`;
      const r = await startCli(
        ['run', 'm.yaml', '--report-dir', out, '-j', jobs, '--no-progress', '--no-cache'],
        {
          cwd: dir,
        },
      );
      expect(r.exitCode).toBe(1);
      const cells = readReport(path.join(dir, out)).cells;
      expect(cells.map((c) => [c.status, c.signature])).toEqual([
        ['fail', 'BUG: the real failure'],
        ['fail', 'BUG: the real failure'],
      ]);
    }
  }, 60_000);
});
