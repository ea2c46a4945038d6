/**
 * The result cache opens only regular files of a bounded size: a FIFO or a symlink to
 * /dev/zero in place of an entry, or an entry larger than --log-cap allows, is a miss (the cell
 * runs again) instead of hanging kmatrix for good.
 */
import { mkfifoSync } from './mkfifo.js';
import { appendFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, executions, readReport, STACK } from './helpers.js';

describe('special files in the result cache', () => {
  it('a FIFO, a symlink to /dev/zero and an oversized entry are misses', async () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass a', 'kmx=pass b', 'kmx=pass c']);
    const args = ['run', file, '--no-progress', '--log-cap', '4K'];
    expect((await startCli([...args, '--report-dir', 'first'], { cwd: dir })).exitCode).toBe(0);
    const cache = path.join(dir, '.kmatrix', 'cache');
    const [fifo, zero, big] = cacheEntryFiles(cache).map((e) => path.join(cache, e.name));
    rmSync(fifo!);
    mkfifoSync(fifo!);
    rmSync(zero!);
    symlinkSync('/dev/zero', zero!);
    appendFileSync(big!, ' '.repeat(4 << 20));
    const r = await startCli([...args, '--report-dir', 'again'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(0);
    expect(readReport(path.join(dir, 'again')).cells.map((c) => c.cached)).toEqual([false, false, false]);
    expect(executions(dir)).toBe(6);
  }, 60_000);
});
