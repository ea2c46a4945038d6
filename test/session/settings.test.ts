import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/matrix/plan-types.js';
import { openSession, type Session } from '../../src/session/session.js';
import { reportDirBase, resolveSettings, type HostEnv } from '../../src/session/settings.js';
import { tempDir } from '../helpers/temp.js';

const sim: Pick<Plan, 'backend' | 'settings'> = {
  backend: { kind: 'sim' },
  settings: { timeoutMs: 30_000, retries: 0, seed: 7 },
};
const command = (timeoutMs?: number): Pick<Plan, 'backend' | 'settings'> => ({
  backend: { kind: 'command', command: ['./x.sh'], env: {}, inputs: [], ...(timeoutMs ? { timeoutMs } : {}) },
  settings: { timeoutMs: 30_000, retries: 1, seed: 0, jobs: 3 },
});
const env = (vars: Record<string, string> = {}): HostEnv => ({ cwd: '/work/here', cores: 6, vars });

describe('resolveSettings: one rule for every command', () => {
  it('jobs: --jobs, else the matrix, else every core', () => {
    expect(resolveSettings(sim, {}, env()).jobs).toBe(6);
    expect(resolveSettings(command(), {}, env()).jobs).toBe(3);
    expect(resolveSettings(command(), { jobs: 2 }, env()).jobs).toBe(2);
  });

  it('timeout: --timeout, else the backend, else the matrix', () => {
    expect(resolveSettings(command(), {}, env()).timeoutMs).toBe(30_000);
    expect(resolveSettings(command(600_000), {}, env()).timeoutMs).toBe(600_000);
    expect(resolveSettings(command(600_000), { timeout: 5_000 }, env()).timeoutMs).toBe(5_000);
  });

  it('cache: KMATRIX_CACHE_DIR (relative to the cwd), else .kmatrix/cache; none with --no-cache', () => {
    expect(resolveSettings(sim, {}, env()).cacheDir).toBe('/work/here/.kmatrix/cache');
    expect(resolveSettings(sim, {}, env({ KMATRIX_CACHE_DIR: 'c' })).cacheDir).toBe('/work/here/c');
    expect(resolveSettings(sim, {}, env({ KMATRIX_CACHE_DIR: '/abs' })).cacheDir).toBe('/abs');
    expect(
      resolveSettings(sim, { cache: false }, env({ KMATRIX_CACHE_DIR: '/abs' })).cacheDir,
    ).toBeUndefined();
  });

  it('the rest: retries and seed from flags or matrix, grace 10 s, worktrees under .kmatrix', () => {
    const s = resolveSettings(command(), { seed: 9, logCap: 1024 }, env({ KMATRIX_SIM_THREADS: '1' }));
    expect(s).toEqual({
      jobs: 3,
      timeoutMs: 30_000,
      retries: 1,
      seed: 9,
      cacheDir: '/work/here/.kmatrix/cache',
      worktreeRoot: '/work/here/.kmatrix/worktrees',
      graceMs: 10_000,
      logCap: 1024,
      strict: false,
      simThreads: true,
    });
  });
});

describe('report folders', () => {
  const at = new Date('2026-11-22T04:05:06.789Z');
  it('are reports/<label>-<UTC timestamp>[-shard-i-of-n] for every command', () => {
    const cwd = '/w';
    expect(reportDirBase({ command: 'run', matrix: 'mm-cma' }, at, cwd)).toBe(
      '/w/reports/mm-cma-20261122-040506',
    );
    expect(reportDirBase({ command: 'run', matrix: 'mm-cma', shard: { index: 2, count: 4 } }, at, cwd)).toBe(
      '/w/reports/mm-cma-20261122-040506-shard-2-of-4',
    );
    expect(reportDirBase({ command: 'bisect', cell: 'i386-a' }, at, cwd)).toBe(
      '/w/reports/bisect-i386-a-20261122-040506',
    );
    expect(reportDirBase({ command: 'bisect-config', matrix: 'm' }, at, cwd)).toBe(
      '/w/reports/bisect-config-m-20261122-040506',
    );
  });

  let session: Session | undefined;
  afterEach(async () => session?.close());

  it('are made unique by the session, and --report-dir wins', async () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'm.yaml'), 'name: mm-cma\nmatrix:\n  arch: [x86_64]\n');
    mkdirSync(join(cwd, 'reports', 'mm-cma-20261122-040506'), { recursive: true });
    session = await openSession(join(cwd, 'm.yaml'), { env: { cwd, cores: 1, vars: {} } });
    expect(session.reportDir({ command: 'run', matrix: 'mm-cma' }, at)).toBe(
      join(cwd, 'reports', 'mm-cma-20261122-040506-2'),
    );
    await session.close();
    session = await openSession(join(cwd, 'm.yaml'), { reportDir: 'out', env: { cwd, cores: 1, vars: {} } });
    expect(session.reportDir({ command: 'run', matrix: 'mm-cma' }, at)).toBe(join(cwd, 'out'));
  });
});
