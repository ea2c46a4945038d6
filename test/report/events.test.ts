import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { EventLogReporter, parseEventLog } from '../../src/report/events.js';
import { loadRun } from '../../src/report/load.js';
import type { CellResult, RunReport } from '../../src/report/schema.js';
import type { RunStart } from '../../src/report/types.js';
import { fixtureReport } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const planned = (c: CellResult): boolean => c.status === 'invalid' || c.status === 'duplicate';

function planOf(report: RunReport, reportDir: string): RunStart {
  return {
    matrix: report.matrix,
    file: report.file ?? '',
    reportDir,
    startedAt: report.startedAt,
    // cells to run appear in the plan before they have a result
    cells: report.cells.map((c) =>
      planned(c) ? c : { ...c, status: 'pass', durationMs: 0, attempts: 0, signature: undefined },
    ),
    axes: report.axes ?? [],
  };
}

function record(report: RunReport, dir: string, upTo = Infinity): EventLogReporter {
  let t = 1000;
  const ev = new EventLogReporter(dir, () => (t += 10));
  ev.onRunStart(planOf(report, dir));
  report.cells
    .filter((c) => !planned(c))
    .slice(0, upTo)
    .forEach((c) => ev.onCellEnd(c));
  return ev;
}

describe('event log', () => {
  it('rebuilds the exact report and plan of a finished run', () => {
    const report = fixtureReport();
    const dir = tempDir();
    record(report, dir).onRunEnd(report, 'failed');
    const parsed = parseEventLog(readFileSync(join(dir, 'events.jsonl'), 'utf8'));
    expect(parsed.complete).toBe(true);
    expect(parsed.reason).toBe('failed');
    expect(parsed.report).toEqual(report);
    expect(parsed.start.cells).toHaveLength(33);
    expect(parsed.cellEnds.map((c) => c.id)).toEqual(
      report.cells.filter((c) => !planned(c)).map((c) => c.id),
    );
  });

  it('writes no cellEnd for a planned-away cell that ends as planned, and rebuilds the same report', () => {
    const report = fixtureReport();
    const dir = tempDir();
    const ev = new EventLogReporter(dir, () => 1000);
    ev.onRunStart(planOf(report, dir));
    // the engine hands every result over, invalid and duplicate ones too
    report.cells.forEach((c) => ev.onCellEnd(c));
    ev.onRunEnd(report, 'failed');
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const ended = lines.map((l) => JSON.parse(l) as { type: string; cell?: { id: string } });
    const toRun = report.cells.filter((c) => !planned(c)).map((c) => c.id);
    expect(toRun.length).toBeLessThan(report.cells.length);
    expect(ended.filter((e) => e.type === 'cellEnd').map((e) => e.cell!.id)).toEqual(toRun);
    const parsed = parseEventLog(lines.join('\n'));
    expect(parsed.report).toEqual(report);
    expect(parsed.cellEnds.map((c) => c.id)).toEqual(toRun);
  });

  it('refers to already-logged cells by id in runEnd, and stores changed ones in full', () => {
    const report = fixtureReport();
    const dir = tempDir();
    const changed = {
      ...report,
      cells: report.cells.map((c, i) => (i === 0 ? { ...c, durationMs: 4242 } : c)),
    };
    record(report, dir).onRunEnd(changed, 'failed');
    const lines = readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n');
    const end = JSON.parse(lines.at(-1)!) as { type: string; cells: unknown[] };
    expect(end.type).toBe('runEnd');
    expect(typeof end.cells[1]).toBe('string');
    expect((end.cells[0] as CellResult).durationMs).toBe(4242);
    expect(parseEventLog(lines.join('\n')).report).toEqual(changed);
  });

  it('reads a killed run: a truncated last line is ignored and the report is rebuilt as interrupted', () => {
    const report = fixtureReport();
    const dir = tempDir();
    // what the flush timer does 200 ms after a line: a killed run loses at most that much
    record(report, dir, 5).flush();
    // the process died in the middle of writing the sixth line
    appendFileSync(join(dir, 'events.jsonl'), '{"type":"cellEnd","ms":70,"cell":{"id":"x86_');
    const run = loadRun(dir);
    expect(run.source).toBe('events');
    expect(run.complete).toBe(false);
    expect(run.reason).toBe('interrupted');
    expect(run.report.interrupted).toBe(true);
    expect(run.cellEnds).toHaveLength(5);
    // the 5 ended cells and the 9 planned-away ones (8 invalid, 1 duplicate); unrun cells are left out
    expect(run.report.cells).toHaveLength(14);
    expect(run.report.summary.total).toBe(14);
    expect(run.report.summary.invalid).toBe(8);
    expect(run.report.summary.duplicate).toBe(1);
    expect(run.report.durationMs).toBe(50);
  });

  it('rejects a corrupt line that is not the last one with its line number', () => {
    const report = fixtureReport();
    const dir = tempDir();
    record(report, dir, 2).onRunEnd(report, 'failed');
    const path = join(dir, 'events.jsonl');
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[1] = 'garbage';
    writeFileSync(path, lines.join('\n'));
    expect(() => loadRun(dir)).toThrow(UserError);
    expect(() => loadRun(dir)).toThrow(/events\.jsonl:2:1: corrupt event log line/);
  });

  it('rejects a log without runStart and a folder without any run', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.jsonl'), '{"type":"cellEnd","ms":1,"cell":{}}\n');
    expect(() => loadRun(dir)).toThrow(/does not start with a runStart event/);
    expect(() => loadRun(tempDir())).toThrow(/not a kmatrix run folder/);
  });

  it('falls back to report.json and validates it', () => {
    const dir = tempDir();
    const report = fixtureReport();
    writeFileSync(join(dir, 'report.json'), JSON.stringify(report));
    const run = loadRun(dir);
    expect(run.source).toBe('report');
    expect(run.report.cells).toHaveLength(33);
    expect(run.reason).toBe('failed');
    writeFileSync(
      join(dir, 'report.json'),
      JSON.stringify({ ...report, cells: [{ ...report.cells[0], status: 'exploded' }] }),
    );
    expect(() => loadRun(dir)).toThrow(/report\.json:1:1: cells\.0\.status/);
  });
});
