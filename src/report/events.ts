/**
 * The JSONL event log (reports/<run>/events.jsonl): one line per hook call, written as the run
 * goes so a killed run leaves a readable prefix. Any reporter can be re-rendered from it and
 * shard logs can be merged (Playwright's blob reporter).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { CellResult } from '../run/types.js';
import { makeDirs } from '../util/make-dirs.js';
import { summarize } from './summary.js';
import type { Reporter, RunEndReason, RunPlan, RunReport } from './types.js';

export const EVENTS_FILE = 'events.jsonl';
export const EVENTS_VERSION = 1;

/** One line of the log. `ms` is the time since runStart. runEnd stores cells already logged by id only. */
export type RunEvent =
  | { type: 'runStart'; version: number; plan: RunPlan }
  | { type: 'cellEnd'; ms: number; cell: CellResult }
  | { type: 'runEnd'; ms: number; reason: RunEndReason; report: Omit<RunReport, 'cells'>; cells: Array<string | CellResult> };

export class EventLogReporter implements Reporter {
  readonly name = 'events';
  private fd: number | undefined;
  private started = 0;
  /** Last logged result per cell id, so runEnd can refer to identical ones by id. */
  private readonly logged = new Map<string, string>();

  constructor(
    private readonly reportDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  onRunStart(plan: RunPlan): void {
    makeDirs(this.reportDir);
    this.fd = openSync(join(this.reportDir, EVENTS_FILE), 'w');
    this.started = this.now();
    for (const c of plan.cells) this.logged.set(c.id, JSON.stringify(c));
    this.append({ type: 'runStart', version: EVENTS_VERSION, plan });
  }

  onCellEnd(cell: CellResult): void {
    this.logged.set(cell.id, JSON.stringify(cell));
    this.append({ type: 'cellEnd', ms: this.now() - this.started, cell });
  }

  onRunEnd(report: RunReport, reason: RunEndReason): void {
    const { cells, ...rest } = report;
    const refs = cells.map((c) => (this.logged.get(c.id) === JSON.stringify(c) ? c.id : c));
    this.append({ type: 'runEnd', ms: this.now() - this.started, reason, report: rest, cells: refs });
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private append(event: RunEvent): void {
    if (this.fd === undefined) throw new Error('events: onRunStart was not called');
    // one synchronous write per line: a killed process loses at most the line being written
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
  }
}

/** What an event log says, rebuilt: the plan, every cellEnd, and the final report (rebuilt when the run was killed). */
export interface ParsedEventLog {
  plan: RunPlan;
  cellEnds: CellResult[];
  report: RunReport;
  reason: RunEndReason;
  /** False when the log has no runEnd (the run was killed). */
  complete: boolean;
}

/** Parse events.jsonl text. A truncated last line is ignored; any other bad line is a located UserError. */
export function parseEventLog(text: string, file = EVENTS_FILE): ParsedEventLog {
  const lines = text.split('\n');
  let plan: RunPlan | undefined;
  const cellEnds: CellResult[] = [];
  let end: Extract<RunEvent, { type: 'runEnd' }> | undefined;
  let lastMs = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let event: RunEvent;
    try {
      event = JSON.parse(line) as RunEvent;
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast) break; // the line a killed run was writing
      throw new UserError([{ file, line: i + 1, col: 1, path: '', message: 'corrupt event log line (not JSON)' }]);
    }
    const bad = (message: string) => new UserError([{ file, line: i + 1, col: 1, path: '', message }]);
    if (event.type === 'runStart') {
      if (event.version !== EVENTS_VERSION) throw bad(`unsupported event log version ${String(event.version)}`);
      plan = event.plan;
    } else if (!plan) {
      throw bad('event log does not start with a runStart event');
    } else if (event.type === 'cellEnd') {
      cellEnds.push(event.cell);
      lastMs = event.ms;
    } else if (event.type === 'runEnd') {
      end = event;
    } else {
      throw bad(`unknown event type ${JSON.stringify((event as { type?: unknown }).type)}`);
    }
  }
  if (!plan) throw new UserError([{ file, line: 1, col: 1, path: '', message: 'empty event log: no runStart event' }]);

  const byId = new Map<string, CellResult>();
  for (const c of plan.cells) byId.set(c.id, c);
  for (const c of cellEnds) byId.set(c.id, c);

  if (end) {
    const cells = end.cells.map((ref) => {
      if (typeof ref !== 'string') return ref;
      const c = byId.get(ref);
      if (!c) throw new UserError(`${file}: runEnd refers to unknown cell ${ref}`);
      return c;
    });
    return { plan, cellEnds, report: { ...end.report, cells }, reason: end.reason, complete: true };
  }
  // killed: ended cells plus the plan's cells that never run (invalid, duplicate); the rest were not run
  const ended = new Map(cellEnds.map((c) => [c.id, c]));
  const cells: CellResult[] = [];
  for (const c of plan.cells) {
    const done = ended.get(c.id);
    if (done) cells.push(done);
    else if (c.status === 'invalid' || c.status === 'duplicate') cells.push(c);
    ended.delete(c.id);
  }
  cells.push(...ended.values());
  const report: RunReport = {
    version: 1,
    matrix: plan.matrix,
    file: plan.file,
    startedAt: plan.startedAt,
    durationMs: lastMs,
    interrupted: true,
    summary: summarize(cells),
    cells,
    axes: plan.axes,
    ...(plan.shard ? { shard: plan.shard } : {}),
  };
  return { plan, cellEnds, report, reason: 'interrupted', complete: false };
}
