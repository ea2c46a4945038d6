/**
 * A kmatrix paused (SIGSTOP) and continued: cells whose programs finished in time are not
 * `timeout`, and durations are the programs' own (as the spawner shell saw them), not the
 * moments kmatrix happened to read their reports.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport } from './helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a paused kmatrix', () => {
  it('reports cells that finished in time by their own durations, not as timeouts', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'x.sh'), '#!/bin/sh\ntouch "started-$KMATRIX_BOOT"\nsleep 0.6\nexit 0\n');
    chmodSync(path.join(dir, 'x.sh'), 0o755);
    const doc = {
      name: 'p',
      matrix: { boot: ['a', 'b', 'c'], workload: ['boot'] },
      backend: { command: ['./x.sh'], timeout: '2s' },
    };
    writeFileSync(path.join(dir, 'm.yaml'), stringify(doc));
    const run = startCli(['run', 'm.yaml', '--report-dir', 'out', '-j', '1', '--no-progress'], { cwd: dir });
    while (!existsSync(path.join(dir, 'started-a'))) await sleep(20);
    run.kill('SIGSTOP');
    await sleep(3500);
    run.kill('SIGCONT');
    const r = await run;
    const cells = readReport(path.join(dir, 'out')).cells;
    expect(cells.map((c) => c.status)).toEqual(['pass', 'pass', 'pass']);
    expect(r.exitCode).toBe(0);
    for (const c of cells) {
      expect(c.durationMs, c.boot).toBeGreaterThanOrEqual(550);
      expect(c.durationMs, c.boot).toBeLessThan(1500);
    }
  }, 60_000);
});
