// The command backend's queue (spawner.ts): cells handed over beyond --jobs wait for a free
// shell, start on whichever shell is idle, count their timeout from their own start, and do
// not start at all once the run is interrupted.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CommandBackend } from '../../src/run/backends/command.js';
import { Spawners } from '../../src/run/backends/spawner.js';
import { CappedLog } from '../../src/run/capped-log.js';
import { runPool } from '../../src/run/pool.js';
import { NotStarted } from '../../src/run/types.js';
import { tempDir } from '../helpers/temp.js';
import { makeCell } from './helpers.js';

const opened: Array<{ close(): unknown }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((b) => b.close()));
});

/**
 * A backend whose program sleeps for the cell's workload (seconds) and leaves a file named after the
 * cell.
 */
function sleeper(jobs: number, dir: string) {
  const b = new CommandBackend(
    {
      kind: 'command',
      command: ['bash', '-c', 'touch "$RAN_DIR/$KMATRIX_CELL_ID"; sleep "$KMATRIX_WORKLOAD"'],
      env: { RAN_DIR: dir },
      inputs: [],
    },
    { baseDir: dir, jobs, killGraceMs: 200 },
  );
  opened.push(b);
  return b;
}

/** Resolves once `check` holds, polling every 10 ms. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 10));
}

const cell = (id: string, seconds: number) => makeCell({ id, workload: String(seconds) });

/** Spawners of `slots` shells, given scripts directly: `run(script)` for a script of cell `seq`. */
function shells(slots: number) {
  const spawners = Spawners.for(['true'], tempDir(), process.env, slots)!;
  opened.push(spawners);
  const events = { started: () => undefined, exited: () => undefined, pid: () => undefined };
  return (script: (seq: number) => string) => spawners.run(script, new CappedLog(1000), events)!;
}

describe('the spawner queue', () => {
  it('holds as many cells again as --jobs, and starts their timer when they start', async () => {
    const dir = tempDir();
    const backend = sleeper(1, dir);
    expect(backend.feed.queueDepth).toBe(1);
    // b waits ~1 s behind a: timed from its hand-over it would time out, from its start it passes
    const run = await runPool([cell('a', 1), cell('b', 0.1)], {
      backend,
      jobs: 1,
      timeoutMs: 800,
      retries: 0,
      reportDir: join(dir, 'report'),
    });
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(byId.a!.status).toBe('timeout');
    expect(byId.b!.status).toBe('pass');
    expect(byId.b!.durationMs).toBeLessThan(700);
  }, 30_000);

  it('starts a waiting cell on whichever shell is free, not behind a long one', async () => {
    const dir = tempDir();
    const backend = sleeper(2, dir);
    const ends: Record<string, number> = {};
    const t0 = Date.now();
    const run = (id: string, s: number) =>
      backend
        .run(cell(id, s), { signal: AbortSignal.timeout(20_000), attempt: 0, logDir: join(dir, id) })
        .then((o) => {
          ends[id] = Date.now() - t0;
          return o;
        });
    const outcomes = await Promise.all([
      run('long', 3),
      run('s1', 0.2),
      run('s2', 0.2),
      run('s3', 0.2),
      run('s4', 0.2),
    ]);
    expect(outcomes.every((o) => o.verdict === 'pass')).toBe(true);
    for (const id of ['s1', 's2', 's3', 's4']) expect(ends[id]!).toBeLessThan(ends.long! - 1000);
  }, 30_000);

  it('does not start what waits when the run is interrupted, and reports it not run', async () => {
    const dir = tempDir();
    const backend = sleeper(1, dir);
    const stop = new AbortController();
    // a runs long enough for the interruption to come while it runs, even on a loaded machine
    const pending = runPool([cell('a', 1.5), cell('b', 0.1), cell('c', 0.1)], {
      backend,
      jobs: 1,
      timeoutMs: 10_000,
      retries: 0,
      reportDir: join(dir, 'report'),
      signal: stop.signal,
    });
    // interrupt once a runs (b waits in the shell's queue by then), however slow the machine
    await until(() => existsSync(join(dir, 'a')));
    stop.abort();
    const run = await pending;
    expect(run.interrupted).toBe(true);
    expect(run.results.map((r) => [r.id, r.status])).toEqual([['a', 'pass']]);
    expect(run.notRun).toEqual(['b', 'c']);
    expect(existsSync(join(dir, 'a'))).toBe(true);
    // b was handed to the backend before the interruption, yet never ran
    expect(existsSync(join(dir, 'b'))).toBe(false);
    expect(existsSync(join(dir, 'c'))).toBe(false);
  }, 30_000);

  it('starts cells in the order they were handed over, whichever log folder is made first', async () => {
    // the pool has each folder made in the thread pool: the first cells' folders were ready, and
    // the cells queued, in either order (1 run in 8 of these, on an idle machine)
    for (let round = 0; round < 24; round++) {
      const dir = tempDir();
      const backend = new CommandBackend(
        {
          kind: 'command',
          command: ['bash', '-c', 'echo "$KMATRIX_CELL_ID" >> "$RAN_DIR/order"'],
          env: { RAN_DIR: dir },
          inputs: [],
        },
        { baseDir: dir, jobs: 1 },
      );
      opened.push(backend);
      const ids = ['a', 'b', 'c', 'd'];
      await runPool(
        ids.map((id) => cell(id, 0)),
        { backend, jobs: 1, timeoutMs: 10_000, retries: 0, reportDir: join(dir, 'report') },
      );
      expect(readFileSync(join(dir, 'order'), 'utf8').split('\n').filter(Boolean), `round ${round}`).toEqual(
        ids,
      );
    }
  }, 60_000);

  it("keeps Node quiet over many cells: no listener piles up on the shells' pipes", async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', listen);
    try {
      const cells = Array.from({ length: 40 }, (_, i) => cell(`c${i}`, 0));
      const run = await runPool(cells, {
        backend: sleeper(2, dir),
        jobs: 2,
        timeoutMs: 10_000,
        retries: 0,
        reportDir: join(dir, 'report'),
      });
      expect(run.results.every((r) => r.status === 'pass')).toBe(true);
      // a warning is emitted on the next tick
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', listen);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  }, 30_000);

  it('gives up on a cell whose shell died after taking it, and runs the next one', async () => {
    // two shells share a FIFO: the lost trigger cannot be told from one still queued, until a shell idles
    const run = shells(2);
    // the shell kills itself after reading the trigger, before it reports the start
    const lost = run(() => 'kill -KILL $$\n');
    const next = run((seq) => `printf '%sS${seq}\\n%sE0\\n' "$kmx_m" "$kmx_m"\n`);
    expect(await lost).toMatchObject({ code: null, error: 'the spawner shell is gone' });
    expect(await next).toMatchObject({ code: 0 });
  }, 30_000);

  it('gives what waited for a single shell that died to the next shell', async () => {
    const run = shells(1);
    const dies = run((seq) => `printf '%sS${seq}\\n' "$kmx_m"; kill -KILL $$\n`);
    const waits = run((seq) => `printf '%sS${seq}\\nwaited\\n%sE0\\n' "$kmx_m" "$kmx_m"\n`);
    expect(await dies).toMatchObject({ code: null, error: expect.stringMatching(/spawner shell exited/) });
    expect(await waits).toMatchObject({ code: 0 });
  }, 30_000);

  it('runs cells with a plain spawn when the shells cannot make their queue', async () => {
    const dir = tempDir();
    // no mkfifo in the shells' PATH: each shell dies at start, and after a few the backend gives up on them
    const b = new CommandBackend(
      { kind: 'command', command: ['/bin/echo', 'plain'], env: { PATH: '/nonexistent' }, inputs: [] },
      { baseDir: dir, jobs: 2 },
    );
    opened.push(b);
    const outs = await Promise.all(
      ['a', 'b', 'c'].map((id) =>
        b.run(cell(id, 0), { signal: AbortSignal.timeout(20_000), attempt: 0, logDir: join(dir, id) }),
      ),
    );
    for (const out of outs) {
      expect(out.verdict).toBe('pass');
      expect(out.log).toContain('plain');
    }
  }, 30_000);
});
