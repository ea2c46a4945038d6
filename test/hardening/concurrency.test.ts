/**
 * Concurrency on one result cache: three simulator runs of the same matrix at once (three
 * processes writing the same entries), plus a fourth killed with -9 halfway, never corrupt
 * it; they agree on every cell, leave no temp files, and a later run executes zero cells.
 * (test/run/cli-run.test.ts has two command-backend runs sharing a cache.)
 */
import { cpSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { readReport, ROOT, validCacheEntries } from './helpers.js';

describe('runs sharing a cache', () => {
  it('3 concurrent sim runs and a killed 4th leave a valid cache; a 5th executes zero cells', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'histories'));
    cpSync(
      path.join(ROOT, 'matrices', 'histories', 'linux-4.17-cma.yaml'),
      path.join(dir, 'histories', 'linux-4.17-cma.yaml'),
    );
    cpSync(path.join(ROOT, 'matrices', 'seed-000-cma-highmem.yaml'), path.join(dir, 'm.yaml'));
    const cache = path.join(dir, 'shared-cache');
    const env = { KMATRIX_CACHE_DIR: cache };
    const killed = startCli(['run', 'm.yaml', '--report-dir', 'k', '-j', '2', '--no-progress'], {
      cwd: dir,
      env: env,
    });
    const runs = ['a', 'b', 'c'].map((n) =>
      startCli(['run', 'm.yaml', '--report-dir', n, '-j', '2', '--no-progress'], { cwd: dir, env: env }),
    );
    setTimeout(() => killed.kill('SIGKILL'), 700);
    const results = await Promise.all(runs);
    await killed;
    const codes = results.map((r) => r.exitCode);
    expect(new Set(codes).size).toBe(1);
    expect([0, 1]).toContain(codes[0]);
    const reports = ['a', 'b', 'c'].map((n) => readReport(path.join(dir, n)));
    const statuses = reports.map((r) =>
      Object.fromEntries(r.cells.map((c) => [c.id, [c.status, c.signature]])),
    );
    expect(statuses[1]).toEqual(statuses[0]);
    expect(statuses[2]).toEqual(statuses[0]);
    const runnable = reports[0]!.cells.filter((c) => !['invalid', 'duplicate'].includes(c.status)).length;
    expect(runnable).toBeGreaterThan(10);
    expect(validCacheEntries(cache)).toBe(runnable);
    const tmp = readdirSync(cache, { recursive: true }).filter((f) => String(f).endsWith('.tmp'));
    // only the killed run may have left temp files (up to one per write it had under way; their
    // names carry its pid), and they are never read as entries
    expect(tmp.filter((f) => !String(f).includes(`.${killed.pid}.`))).toEqual([]);
    const again = await startCli(['run', 'm.yaml', '--report-dir', 'e', '--json'], { cwd: dir, env: env });
    expect(again.exitCode).toBe(codes[0]);
    const summary = (JSON.parse(again.stdout) as { summary: Record<string, number> }).summary;
    expect(summary).toMatchObject({ executed: 0, cached: runnable });
  }, 180_000);
});
