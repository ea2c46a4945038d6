import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadRun } from '../../src/report/load.js';
import { copyLogs, mergeRuns } from '../../src/report/merge.js';
import type { RunReport } from '../../src/report/schema.js';
import { FIXTURE, fixtureReport, writeShard } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const strip = (r: RunReport) => r.cells.map((c) => ({ id: c.id, status: c.status, signature: c.signature }));

describe('merge', () => {
  it('merging the 3 shards of a matrix equals the whole run', async () => {
    const whole = fixtureReport();
    // round-robin shards; planned-away cells (invalid, duplicate)
    // appear in every shard, as a shard plan may list them
    const shards = await Promise.all(
      [1, 2, 3].map((k) =>
        writeShard(
          whole,
          k,
          3,
          (c, i) => i % 3 === k - 1 || c.status === 'invalid' || c.status === 'duplicate',
        ),
      ),
    );
    const out = tempDir();
    const merged = mergeRuns(shards.reverse().map(loadRun), out);
    expect(merged.report.summary).toEqual(whole.summary);
    expect(new Set(strip(merged.report))).toEqual(new Set(strip(whole)));
    expect(merged.report.cells.map((c) => c.id).sort()).toEqual(whole.cells.map((c) => c.id).sort());
    expect(merged.report.shard).toBeUndefined();
    expect(merged.report.startedAt).toBe('2025-03-14T09:21:00.000Z');
    expect(merged.report.durationMs).toBe(3000);
    expect(merged.reason).toBe('failed');
    expect(copyLogs(out, merged.logs)).toBe(24);
    const log = 'logs/i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc.log';
    expect(readFileSync(join(out, log), 'utf8')).toBe(readFileSync(join(FIXTURE, log), 'utf8'));
  });

  it('keeps the whole run order when a shard plan lists every cell', async () => {
    const whole = fixtureReport();
    const a = await writeShard(whole, 1, 2, (_c, i) => i % 2 === 0);
    const b = await writeShard(whole, 2, 2, (_c, i) => i % 2 === 1);
    const runs = [loadRun(a), loadRun(b)];
    runs[0]!.start.cells = whole.cells; // the engine may put the full plan in each shard's runStart
    expect(mergeRuns(runs, tempDir()).report.cells.map((c) => c.id)).toEqual(whole.cells.map((c) => c.id));
  });

  it('refuses runs of different matrices', async () => {
    const whole = fixtureReport();
    const a = await writeShard(whole, 1, 2, (_c, i) => i % 2 === 0);
    const b = await writeShard({ ...whole, matrix: 'other-matrix' }, 2, 2, (_c, i) => i % 2 === 1);
    expect(() => mergeRuns([loadRun(a), loadRun(b)], tempDir())).toThrow(UserError);
    expect(() => mergeRuns([loadRun(a), loadRun(b)], tempDir())).toThrow(
      /different matrices: mm-highmem-cma \(.*\), other-matrix \(/,
    );
  });

  it('refuses overlapping cells with different results, accepts identical overlaps', async () => {
    const whole = fixtureReport();
    const id = 'i386-HIGHMEM_n-CMA_y-mem_1G-boot';
    const a = await writeShard(whole, 1, 2, (c) => c.arch === 'i386');
    const same = await writeShard(whole, 2, 2, (c) => c.id === id || c.arch === 'x86_64');
    expect(mergeRuns([loadRun(a), loadRun(same)], tempDir()).report.summary.total).toBe(whole.cells.length);
    const changed = {
      ...whole,
      cells: whole.cells.map((c) =>
        c.id === id
          ? { ...c, status: 'fail' as const, signature: 'BUG: Bad page state in process swapper pfn:<pfn>' }
          : c,
      ),
    };
    const b = await writeShard(changed, 2, 2, (c) => c.id === id || c.arch === 'x86_64');
    expect(() => mergeRuns([loadRun(a), loadRun(b)], tempDir())).toThrow(
      new RegExp(
        `cell ${id} has different results: pass in .*, ` +
          'fail "BUG: Bad page state in process swapper pfn:<pfn>" in ',
      ),
    );
  });

  it('refuses shards whose cells do not make up their plan (split differently)', async () => {
    const whole = fixtureReport();
    const a = await writeShard(whole, 1, 2, (_c, i) => i % 2 === 0);
    const b = await writeShard(whole, 2, 2, (_c, i) => i % 2 === 1 && i !== 3);
    expect(() => mergeRuns([loadRun(a), loadRun(b)], tempDir())).toThrow(
      /^merge: the cells of the shards do not make up their plan [0-9a-f]{12}: the shards were split/,
    );
    const c = await writeShard(whole, 2, 2, (_c, i) => i % 2 === 1);
    expect(mergeRuns([loadRun(a), loadRun(c)], tempDir()).report.planHash).toMatch(/^[0-9a-f]{64}$/);
    // a result for a cell its shard never planned
    const [runA, runC] = [loadRun(a), loadRun(c)];
    runC.report.cells.push({ ...whole.cells[0]!, id: 'smuggled' });
    expect(() => mergeRuns([runA, runC], tempDir())).toThrow(
      /^merge: .*: cell smuggled has a result but is not in the shard's plan$/,
    );
  });

  it('marks the merged run interrupted when a shard was', async () => {
    const whole = fixtureReport();
    const a = await writeShard({ ...whole, interrupted: true }, 1, 2, (_c, i) => i % 2 === 0);
    const b = await writeShard(whole, 2, 2, (_c, i) => i % 2 === 1);
    const m = mergeRuns([loadRun(a), loadRun(b)], tempDir());
    expect(m.report.interrupted).toBe(true);
    expect(m.reason).toBe('interrupted');
    expect(existsSync(join(a, 'events.jsonl'))).toBe(true);
  });
});
