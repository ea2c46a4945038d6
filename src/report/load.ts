/** Loading a finished (or killed) run from its report folder: events.jsonl first, report.json otherwise. */
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { deriveAxes } from './cells.js';
import { EVENTS_FILE, parseEventLog, type ParsedEventLog } from './events.js';
import { readTextIfExists } from './io.js';
import { RunLogs } from './log-ref.js';
import { endReason } from './summary.js';
import { RunReportReadSchema, type CellResult, type RunReport } from './schema.js';

export const REPORT_FILE = 'report.json';

/** Parse and check report.json text; a bad one is a UserError listing its first 20 problems. */
export function parseReport(text: string, file: string): RunReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError([
      { file, line: 1, col: 1, path: '', message: `not valid JSON: ${(err as Error).message}` },
    ]);
  }
  const parsed = RunReportReadSchema.safeParse(data);
  if (!parsed.success) {
    throw new UserError(
      parsed.error.issues
        .slice(0, 20)
        .map((i) => ({ file, line: 1, col: 1, path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

/** Every log reference of a report.json names a file inside its run folder, within its size. */
function checkReportLogs(report: RunReport, file: string, logs: RunLogs): void {
  for (const [i, c] of report.cells.entries()) {
    if (c.log === undefined) continue;
    const log = logs.resolve(c.log);
    const message =
      typeof log === 'string' ? log : log.pastEnd ? `log ${c.log} ends past the end of its file` : '';
    if (message) throw new UserError([{ file, line: 1, col: 1, path: `cells.${i}.log`, message }]);
  }
}

/** A run read back from disk, whatever it was written by. */
export interface LoadedRun extends ParsedEventLog {
  dir: string;
  source: 'events' | 'report';
}

export function loadRun(dirArg: string): LoadedRun {
  const dir = resolve(dirArg);
  const eventsPath = join(dir, EVENTS_FILE);
  const events = readTextIfExists(eventsPath);
  const logs = new RunLogs(dir);
  if (events !== undefined) return { ...parseEventLog(events, eventsPath, logs), dir, source: 'events' };
  const reportPath = join(dir, REPORT_FILE);
  const text = readTextIfExists(reportPath);
  if (text === undefined)
    throw new UserError(`${dirArg}: not a kmatrix run folder (no ${EVENTS_FILE} or ${REPORT_FILE})`);
  const report = parseReport(text, reportPath);
  checkReportLogs(report, reportPath, logs);
  const cellEnds: CellResult[] = report.cells.filter(
    (c) => c.status !== 'invalid' && c.status !== 'duplicate',
  );
  return {
    dir,
    source: 'report',
    start: {
      matrix: report.matrix,
      file: report.file ?? '',
      reportDir: dir,
      startedAt: report.startedAt,
      cells: report.cells,
      axes: report.axes ?? deriveAxes(report.cells),
      ...(report.shard ? { shard: report.shard } : {}),
      ...(report.planHash ? { planHash: report.planHash } : {}),
    },
    cellEnds,
    report,
    reason: endReason(report.summary, report.interrupted),
    complete: true,
  };
}
