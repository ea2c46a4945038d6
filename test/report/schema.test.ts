/** report.json has one schema: the published JSON Schema is generated from it and real reports satisfy it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../src/run/baseline.js';
import { parseReport } from '../../src/report/load.js';
import { reportJsonSchema, RunReportSchema, STATUSES, type RunReport } from '../../src/report/schema.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureReport } from './helpers.js';

const PUBLISHED = join(ROOT, 'matrices/report.schema.json');

describe('the published report JSON Schema', () => {
  // regenerate: npx vitest run test/report/schema.test.ts -u
  it('matrices/report.schema.json is generated from the zod schema', async () => {
    await expect(`${JSON.stringify(reportJsonSchema(), null, 2)}\n`).toMatchFileSnapshot(PUBLISHED);
  });

  it('names every status and the required fields of a cell', () => {
    const s = JSON.parse(readFileSync(PUBLISHED, 'utf8')) as {
      required: string[];
      properties: { cells: { items: { required: string[]; properties: { status: { enum: string[] } } } } };
    };
    expect(s.required).toEqual([
      'version',
      'matrix',
      'startedAt',
      'durationMs',
      'interrupted',
      'summary',
      'cells',
    ]);
    const cell = s.properties.cells.items;
    expect(cell.properties.status.enum).toEqual([...STATUSES]);
    expect(cell.required).toEqual([
      'id',
      'arch',
      'kconfig',
      'resolved',
      'boot',
      'workload',
      'commit',
      'status',
      'durationMs',
      'attempts',
      'cached',
    ]);
  });
});

/** Parsed by the schema without losing or changing a field: every field written is a known one. */
function expectExactlyKnown(report: unknown): void {
  const parsed = RunReportSchema.safeParse(report);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toStrictEqual(report);
}

describe('the zod schema of report.json', () => {
  it('describes the fixture report field for field', () => {
    expectExactlyKnown(fixtureReport());
  });

  it('rejects an unknown status and a missing summary, naming where', () => {
    const report = fixtureReport();
    const bad = { ...report, cells: [{ ...report.cells[0]!, status: 'passed' }] };
    expect(() => parseReport(JSON.stringify(bad), 'r.json')).toThrow(/cells\.0\.status/);
    const { summary: _, ...noSummary } = report;
    expect(RunReportSchema.safeParse(noSummary).error?.issues.map((i) => i.path)).toEqual([['summary']]);
  });

  it('reads back a report of an older kmatrix without the optional fields', () => {
    const { file: _f, axes: _a, regressions: _r, explanations: _e, ...old } = fixtureReport();
    const report: RunReport = old;
    const loaded = parseReport(JSON.stringify(report), 'old.json');
    expect(loaded.cells).toHaveLength(33);
    expect(parseBaseline(JSON.stringify(report), 'old.json').matrix).toBe('mm-highmem-cma');
  });

  it('keeps fields it does not know when a report is read back', () => {
    const report = fixtureReport();
    const newer = { ...report, host: 'ci-7', cells: [{ ...report.cells[0]!, cpu: 'x' }] };
    const loaded = parseReport(JSON.stringify(newer), 'newer.json') as RunReport & { host?: string };
    expect(loaded.host).toBe('ci-7');
    expect(loaded.cells[0]).toMatchObject({ cpu: 'x' });
  });
});

describe('report.json written by kmatrix run', () => {
  it('satisfies the schema, every field known, whole and as a shard', () => {
    const dir = tempDir();
    const matrix = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    for (const args of [['whole'], ['shard', '--shard', '2/2']]) {
      const r = runCli(
        ['run', matrix, '--no-cache', '--reporter', 'json', '--no-progress', '--report-dir', ...args],
        {
          cwd: dir,
        },
      );
      expect(r.exitCode, r.stderr).toBeLessThan(2);
      const report = JSON.parse(readFileSync(join(dir, args[0]!, 'report.json'), 'utf8')) as RunReport;
      expectExactlyKnown(report);
      // the run is worth checking: it has machines, failures and their explanations
      expect(report.cells.some((c) => c.machine && c.status === 'fail')).toBe(true);
      expect(report.explanations?.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
