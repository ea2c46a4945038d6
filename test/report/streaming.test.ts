/** report.json and the event log are written in pieces (100,000 cells): the text must not change. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batched } from '../../src/report/io.js';
import { EventLogReporter } from '../../src/report/events.js';
import { reportJson } from '../../src/report/reporters/json.js';
import type { RunReport } from '../../src/report/schema.js';
import { fixtureReport } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

/** The fixture's report with random cells, extra keys and absent optional fields. */
const reports = fc
  .record({
    keep: fc.array(fc.nat(32), { maxLength: 40 }),
    extra: fc.dictionary(fc.constantFrom('regressions', 'explanations', 'shard', 'axes'), fc.jsonValue(), {
      maxKeys: 3,
    }),
    noMatrix: fc.boolean(),
    odd: fc.string(),
  })
  .map(({ keep, extra, noMatrix, odd }): RunReport => {
    const base = fixtureReport();
    const cells = keep.map((i, j) => ({ ...base.cells[i % base.cells.length]!, id: `${odd}-${j}` }));
    return {
      ...base,
      ...(extra as object),
      ...(noMatrix ? { matrix: undefined as unknown as string } : {}),
      cells,
    };
  });

describe('streamed report.json', () => {
  it('is byte for byte JSON.stringify(report, null, 2) in issue order', () => {
    fc.assert(
      fc.property(reports, (report) => {
        const { version, matrix, startedAt, durationMs, interrupted, summary, cells, ...extra } = report;
        const ordered = { version, matrix, startedAt, durationMs, interrupted, summary, cells, ...extra };
        const expected = `${JSON.stringify(ordered, null, 2)}\n`;
        expect(reportJson(report)).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('batches pieces into writes without losing or reordering any', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), fc.integer({ min: 1, max: 50 }), (pieces, size) => {
        const out = [...batched(pieces, size)];
        expect(out.join('')).toBe(pieces.join(''));
        expect(out.slice(0, -1).every((b) => b.length >= size)).toBe(true);
        expect(out.every((b) => b.length > 0)).toBe(true);
      }),
    );
  });

  it('writes the runStart plan in pieces that parse back to the whole plan', () => {
    const report = fixtureReport();
    const dir = tempDir();
    const plan = {
      matrix: report.matrix,
      file: 'm.yaml',
      reportDir: dir,
      startedAt: report.startedAt,
      cells: report.cells,
      axes: ['arch', 'boot'],
    };
    const ev = new EventLogReporter(dir);
    ev.onRunStart(plan);
    ev.onRunEnd(report, 'failed');
    const [first] = readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n');
    expect(JSON.parse(first!)).toEqual({
      type: 'runStart',
      version: expect.any(Number),
      plan: JSON.parse(JSON.stringify(plan)),
    });
  });
});
