import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InfraError } from '../../src/errors.js';
import type { Cell } from '../../src/matrix/types.js';
import { readLogTail } from '../../src/report/io.js';
import { ResultCache } from '../../src/run/cache.js';
import { finalStatus, runPool, type PoolOptions } from '../../src/run/pool.js';
import type { CellResult } from '../../src/report/schema.js';
import type { Backend, Outcome, RunContext } from '../../src/run/types.js';
import { tempDir } from '../helpers/temp.js';
import { makeCell } from './helpers.js';

/** A backend whose behaviour is the cell's boot string; it records every call. */
class FakeBackend implements Backend {
  readonly name = 'fake';
  calls: string[] = [];
  constructor(private fp = 'fake:1') {}
  fingerprint() {
    return this.fp;
  }
  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    this.calls.push(cell.id);
    const mode = cell.boot;
    const wait = (ms: number) =>
      new Promise<boolean>((res) => {
        const t = setTimeout(() => res(true), ms);
        ctx.signal.addEventListener('abort', () => (clearTimeout(t), res(false)), { once: true });
      });
    switch (mode) {
      case 'pass':
        return { verdict: 'pass', log: `ok ${cell.id}\n` };
      case 'fail':
        return { verdict: 'fail', signature: 'BUG: bad', log: 'BUG: bad\n' };
      case 'skip':
        return { verdict: 'skip', log: 'untestable\n' };
      case 'error':
        return { verdict: 'error', signature: 'exit code 200', log: 'boom\n' };
      case 'throw':
        throw new Error('backend exploded');
      case 'flaky':
        return ctx.attempt === 0
          ? { verdict: 'fail', signature: 'BUG: flake', log: 'BUG: flake\n' }
          : { verdict: 'pass', log: 'ok\n' };
      case 'hang':
        await wait(1e9);
        return { verdict: ctx.signal.aborted ? 'timeout' : 'pass', log: 'stopped\n' };
      case 'exited':
        // the program ended at once; reading its output outlasts the timeout
        ctx.exited?.();
        await new Promise((r) => setTimeout(r, 300));
        return { verdict: 'pass', log: 'read late\n' };
      case 'deaf':
        await new Promise((r) => setTimeout(r, 3000));
        return { verdict: 'pass', log: 'finally\n' };
      default: {
        const ms = Number(mode.replace('slow:', ''));
        const done = await wait(ms);
        return {
          verdict: done ? 'pass' : 'error',
          signature: done ? undefined : 'killed',
          log: 'slow\n',
        } as Outcome;
      }
    }
  }
}

const cell = (id: string, boot: string, over: Partial<Cell> = {}) =>
  makeCell({ id, boot, commit: `c-${id}`, ...over });

function options(backend: Backend, over: Partial<PoolOptions> = {}): PoolOptions {
  return { backend, jobs: 2, timeoutMs: 10_000, retries: 0, reportDir: tempDir(), ...over };
}

const byId = (results: CellResult[]) => Object.fromEntries(results.map((r) => [r.id, r]));

describe('finalStatus', () => {
  it('is flaky only when a pass follows a failure', () => {
    expect(finalStatus(['pass'])).toBe('pass');
    expect(finalStatus(['fail', 'pass'])).toBe('flaky');
    expect(finalStatus(['timeout', 'pass'])).toBe('flaky');
    expect(finalStatus(['fail', 'fail'])).toBe('fail');
    expect(finalStatus(['fail', 'error'])).toBe('error');
  });
});

describe('runPool', () => {
  it('gives every status, in plan order, with logs on disk', async () => {
    const cells = [
      cell('a', 'pass'),
      cell('b', 'fail'),
      cell('c', 'skip'),
      cell('d', 'error'),
      cell('e', 'throw'),
      cell('f', 'hang'),
      cell('g', 'pass', { state: 'invalid', reason: 'HIGHMEM needs X86_32' }),
      cell('h', 'pass', { state: 'duplicate', duplicateOf: 'a' }),
    ];
    const opts = options(new FakeBackend(), { timeoutMs: 200 });
    const streamed: string[] = [];
    const run = await runPool(cells, { ...opts, onCellEnd: (r) => void streamed.push(r.id) });
    expect(run.interrupted).toBe(false);
    expect(run.results.map((r) => r.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(streamed.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    const r = byId(run.results);
    expect(r.a!.status).toBe('pass');
    expect(r.b).toMatchObject({
      status: 'fail',
      signature: 'BUG: bad',
      attempts: 1,
      cached: false,
      log: 'logs/b.log',
    });
    expect(r.c!.status).toBe('skip');
    expect(r.d).toMatchObject({ status: 'error', signature: 'exit code 200' });
    expect(r.e).toMatchObject({ status: 'error', signature: 'backend fake failed: backend exploded' });
    expect(r.f!.status).toBe('timeout');
    expect(r.g).toMatchObject({ status: 'invalid', reason: 'HIGHMEM needs X86_32', attempts: 0 });
    expect(r.h).toMatchObject({ status: 'duplicate', duplicateOf: 'a', attempts: 0 });
    expect(r.g!.log).toBeUndefined();
    // passing and skipped cells share one pack (log-pack.ts), the others get a file each
    expect(r.a!.log).toMatch(/^logs\/passed\.log#\d+-\d+$/);
    expect(readLogTail(opts.reportDir, r.a!.log)).toBe('ok a');
    expect(readFileSync(join(opts.reportDir, 'logs/passed.log'), 'utf8')).toMatch(
      /^==> a <==\nok a\n\n==> c <==\n/,
    );
    expect(readFileSync(join(opts.reportDir, 'logs/b.log'), 'utf8')).toBe('BUG: bad\n');
    expect(existsSync(join(opts.reportDir, 'logs/a.log'))).toBe(false);
  });

  it('retries failures: fail-then-pass is flaky, a persistent failure uses every attempt', async () => {
    const backend = new FakeBackend();
    const run = await runPool(
      [cell('a', 'flaky'), cell('b', 'fail'), cell('c', 'pass')],
      options(backend, { retries: 2 }),
    );
    const r = byId(run.results);
    expect(r.a).toMatchObject({ status: 'flaky', attempts: 2, signature: 'BUG: flake' });
    expect(r.b).toMatchObject({ status: 'fail', attempts: 3 });
    expect(r.c).toMatchObject({ status: 'pass', attempts: 1 });
    expect(backend.calls.filter((id) => id === 'b')).toHaveLength(3);
  });

  it('re-running an unchanged plan executes zero cells; errors and timeouts are not cached', async () => {
    const cacheDir = tempDir();
    const cells = [
      cell('a', 'pass'),
      cell('b', 'fail'),
      cell('c', 'skip'),
      cell('d', 'error'),
      cell('e', 'hang'),
    ];
    const first = new FakeBackend();
    await runPool(cells, options(first, { cache: new ResultCache(cacheDir), timeoutMs: 200 }));
    expect(first.calls.sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    const second = new FakeBackend();
    const opts = options(second, { cache: new ResultCache(cacheDir), timeoutMs: 200 });
    const run = await runPool(cells, opts);
    expect(second.calls.sort()).toEqual(['d', 'e']);
    const r = byId(run.results);
    expect(r.a).toMatchObject({ status: 'pass', cached: true });
    expect(r.b).toMatchObject({ status: 'fail', cached: true, signature: 'BUG: bad' });
    expect(r.d).toMatchObject({ status: 'error', cached: false });
    expect(readFileSync(join(opts.reportDir, 'logs/b.log'), 'utf8')).toBe('BUG: bad\n');
    // another backend fingerprint misses
    const third = new FakeBackend('fake:2');
    await runPool(cells, options(third, { cache: new ResultCache(cacheDir), timeoutMs: 200 }));
    expect(third.calls).toHaveLength(5);
  });

  it('re-runs a cached failure when more retries are asked for than it had', async () => {
    const cacheDir = tempDir();
    await runPool([cell('a', 'flaky')], options(new FakeBackend(), { cache: new ResultCache(cacheDir) }));
    const again = new FakeBackend();
    const run = await runPool(
      [cell('a', 'flaky')],
      options(again, { cache: new ResultCache(cacheDir), retries: 1 }),
    );
    expect(again.calls).toEqual(['a', 'a']);
    expect(run.results[0]!.status).toBe('flaky');
  });

  it('on interruption stops scheduling, running cells finish within grace, the rest not run', async () => {
    const cacheDir = tempDir();
    const cells = [
      cell('a', 'slow:50'),
      cell('b', 'slow:300'),
      cell('c', 'pass'),
      cell('d', 'pass'),
      cell('e', 'pass'),
    ];
    const stop = new AbortController();
    const backend = new FakeBackend();
    const run = await runPool(cells, {
      ...options(backend, { cache: new ResultCache(cacheDir), jobs: 1, graceMs: 5000 }),
      signal: stop.signal,
      onCellEnd: (r) => {
        if (r.id === 'a') setTimeout(() => stop.abort(), 10);
      },
    });
    expect(run.interrupted).toBe(true);
    expect(run.results.map((r) => [r.id, r.status])).toEqual([
      ['a', 'pass'],
      ['b', 'pass'],
    ]);
    expect(run.notRun).toEqual(['c', 'd', 'e']);
    const resume = new FakeBackend();
    await runPool(cells, options(resume, { cache: new ResultCache(cacheDir) }));
    expect(resume.calls.sort()).toEqual(['c', 'd', 'e']);
  });

  it('kills running cells after the grace and leaves them out of the results and the cache', async () => {
    const cacheDir = tempDir();
    const stop = new AbortController();
    stop.abort();
    const kill = new AbortController();
    const cells = [cell('a', 'slow:100000')];
    const pending = runPool(cells, {
      ...options(new FakeBackend(), { cache: new ResultCache(cacheDir) }),
      signal: stop.signal,
      killSignal: kill.signal,
    });
    const run = await pending;
    // aborted before the start: nothing ran
    expect(run.results).toEqual([]);
    expect(run.notRun).toEqual(['a']);
    const stop2 = new AbortController();
    const started = runPool(cells, {
      ...options(new FakeBackend(), { cache: new ResultCache(cacheDir), graceMs: 50 }),
      signal: stop2.signal,
    });
    setTimeout(() => stop2.abort(), 50);
    const run2 = await started;
    expect(run2.interrupted).toBe(true);
    expect(run2.results).toEqual([]);
    expect(run2.notRun).toEqual(['a']);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('gives up on a backend that ignores its abort after the settle time, as a timeout', async () => {
    const run = await runPool(
      [cell('a', 'deaf')],
      options(new FakeBackend(), { timeoutMs: 50, settleMs: 50 }),
    );
    expect(run.results[0]).toMatchObject({ status: 'timeout' });
  });

  it('does not time out a cell whose program exited in time, however late its outcome comes', async () => {
    const run = await runPool([cell('a', 'exited')], options(new FakeBackend(), { timeoutMs: 50 }));
    expect(run.results[0]).toMatchObject({ status: 'pass' });
  });

  it('keeps log files inside the report directory whatever the cell id', async () => {
    const opts = options(new FakeBackend());
    const run = await runPool(
      [cell('../../../etc/passwd', 'fail'), cell('a/b\nc', 'fail'), cell('../x\ny', 'pass')],
      opts,
    );
    for (const r of run.results.slice(0, 2)) expect(r.log).toMatch(/^logs\/[A-Za-z0-9._,=+~@-]+\.log$/);
    expect(run.results[2]!.log).toMatch(/^logs\/passed\.log#\d+-\d+$/);
    expect(readdirSync(join(opts.reportDir, 'logs')).length).toBe(3);
    // an id with a newline cannot forge a header line in the pack
    expect(readFileSync(join(opts.reportDir, 'logs/passed.log'), 'utf8').split('\n')[0]).toBe(
      '==> ../x y <==',
    );
    expect(run.results[0]!.log).not.toContain('..');
  });

  it('fails with an InfraError when the report directory cannot be created', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    await expect(
      runPool([cell('a', 'pass')], options(new FakeBackend(), { reportDir: join(dir, 'file', 'sub') })),
    ).rejects.toBeInstanceOf(InfraError);
  });

  it('stops with an InfraError when logs cannot be written, keeping the cached results', async () => {
    const dir = tempDir();
    const cacheDir = tempDir();
    mkdirSync(join(dir, 'logs', 'passed.log'), { recursive: true }); // a directory where the log pack must go
    const cells = [cell('a', 'pass'), cell('b', 'pass'), cell('c', 'pass')];
    await expect(
      runPool(
        cells,
        options(new FakeBackend(), { reportDir: dir, jobs: 1, cache: new ResultCache(cacheDir) }),
      ),
    ).rejects.toThrow(/cannot write .*passed\.log/);
    const again = new FakeBackend();
    await runPool(cells, options(again, { jobs: 1, cache: new ResultCache(cacheDir) }));
    expect(again.calls).toEqual(['b', 'c']);
  });

  it('stops the same way when the log file of a failing cell cannot be written', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'logs', 'b.log'), { recursive: true });
    await expect(
      runPool(
        [cell('a', 'pass'), cell('b', 'fail'), cell('c', 'pass')],
        options(new FakeBackend(), { reportDir: dir, jobs: 1 }),
      ),
    ).rejects.toThrow(/cannot write .*b\.log/);
  });
});
