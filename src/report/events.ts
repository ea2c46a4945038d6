/**
 * The JSONL event log (reports/<run>/events.jsonl): one line per hook call, written as the run
 * goes so a killed run leaves a readable prefix. Any reporter can be re-rendered from it and
 * shard logs can be merged (Playwright's blob reporter).
 */
import { join } from 'node:path';
import { BufferedFile } from '../util/buffered-file.js';
import { arrayPieces } from '../util/json-pieces.js';
import * as z from 'zod';
import { UserError, type Problem } from '../errors.js';
import { makeDirs } from '../util/make-dirs.js';
import {
  CellEndEventSchema,
  FullCellSchema,
  RunEndEventSchema,
  RunStartEventSchema,
} from './event-schema.js';
import type { RunLogs } from './log-ref.js';
import { summarize } from './summary.js';
import type { CellResult, RunReport } from './schema.js';
import type { Reporter, RunEndReason, RunStart } from './types.js';

export const EVENTS_FILE = 'events.jsonl';
export const EVENTS_VERSION = 2;
/** Versions this code reads: 1 wrote every cellEnd in full. */
const READABLE = new Set([1, 2]);
/** What a cell is (the plan says it); a cellEnd repeats only what differs. */
const STATIC_KEYS = ['arch', 'kconfig', 'resolved', 'boot', 'workload', 'commit', 'machine'] as const;

const sameValue = (a: unknown, b: unknown) =>
  a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

/** Whether a result says exactly what its plan cell says (same keys, same values). */
function sameCell(cell: CellResult, planned: CellResult): boolean {
  const keys = Object.keys(cell) as Array<keyof CellResult>;
  if (keys.length !== Object.keys(planned).length) return false;
  return keys.every((k) => sameValue(cell[k], planned[k]));
}

/**
 * A result without what its plan cell already says (a cell's Kconfig is most of its JSON), as
 * JSON: JSON.stringify of that object, printed key by key without making it (one per cell).
 */
function deltaJson(cell: CellResult, planned: CellResult | undefined): string {
  let out = '';
  for (const k in cell) {
    const v = cell[k as keyof CellResult];
    if (
      planned &&
      (STATIC_KEYS as readonly string[]).includes(k) &&
      sameValue(v, planned[k as keyof CellResult])
    )
      continue;
    const text = JSON.stringify(v);
    if (text !== undefined) out += `${out ? ',' : ''}${JSON.stringify(k)}:${text}`;
  }
  return `{${out}}`;
}

/** The result a (possibly compact) cellEnd stands for, in the usual key order. */
function undelta(cell: Partial<CellResult> & { id: string }, planned: CellResult | undefined): CellResult {
  if (!planned) return cell as CellResult;
  const out: Record<string, unknown> = { id: cell.id };
  for (const k of STATIC_KEYS) if (k in cell || k in planned) out[k] = k in cell ? cell[k] : planned[k];
  for (const [k, v] of Object.entries(cell)) if (!(k in out)) out[k] = v;
  return out as unknown as CellResult;
}

/** One line of the log. `ms` is the time since runStart. runEnd stores cells already logged by id only. */
export type RunEvent =
  | { type: 'runStart'; version: number; plan: RunStart }
  | { type: 'cellEnd'; ms: number; cell: Partial<CellResult> & { id: string } }
  | {
      type: 'runEnd';
      ms: number;
      reason: RunEndReason;
      report: Omit<RunReport, 'cells'>;
      cells: Array<string | CellResult>;
    };

/**
 * Bytes buffered between writes: runStart's pieces of ~40 KB (up to 3 bytes a unit) are encoded
 * straight into the buffer (a 64 KB one made a Buffer of each: 0.5 s of 61,440 cells).
 */
const FLUSH_BYTES = 1 << 20;
const FLUSH_MS = 200;

export class EventLogReporter implements Reporter {
  readonly name = 'events';
  private file: BufferedFile | undefined;
  private started = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /**
   * Last logged result per cell id, so runEnd can refer to identical ones by id (references,
   * not copies: 100,000 cells).
   */
  private readonly logged = new Map<string, CellResult>();
  private readonly planned = new Map<string, CellResult>();

  constructor(
    private readonly reportDir: string,
    private readonly now: () => number = Date.now,
  ) {}

  onRunStart(start: RunStart): void {
    makeDirs(this.reportDir);
    const file = (this.file = new BufferedFile(join(this.reportDir, EVENTS_FILE), FLUSH_BYTES));
    this.started = this.now();
    for (const c of start.cells) {
      this.logged.set(c.id, c);
      this.planned.set(c.id, c);
    }
    // written in pieces: the cells of 100,000 are ~100 MB of JSON as one string
    const { cells, ...rest } = start;
    const head = JSON.stringify({
      type: 'runStart',
      version: EVENTS_VERSION,
      plan: { ...rest, cells: [] },
    } satisfies RunEvent);
    file.append(head.slice(0, -']}}'.length));
    for (const piece of arrayPieces(cells, 'compact')) file.append(piece);
    file.append(']}}\n');
    file.flush();
  }

  onCellEnd(cell: CellResult): void {
    this.logged.set(cell.id, cell);
    const planned = this.planned.get(cell.id);
    // a planned-away cell (invalid, duplicate) ends as runStart says: no line (a report.json
    // read back has no cellEnd for it either). 41,280 of the distinct-boot bench's 61,440 cells
    if (planned && (cell.status === 'invalid' || cell.status === 'duplicate') && sameCell(cell, planned))
      return;
    // what JSON.stringify of the event ({ type, ms, cell: delta }) prints, without the objects
    const ms = JSON.stringify(this.now() - this.started);
    this.appendLine(`{"type":"cellEnd","ms":${ms},"cell":${deltaJson(cell, planned)}}\n`);
  }

  onRunEnd(report: RunReport, reason: RunEndReason): void {
    const { cells, ...rest } = report;
    const refs = cells.map((c) => (sameValue(this.logged.get(c.id), c) ? c.id : c));
    this.append({ type: 'runEnd', ms: this.now() - this.started, reason, report: rest, cells: refs });
    this.flush();
    this.file?.close();
    this.file = undefined;
  }

  private append(event: RunEvent): void {
    this.appendLine(`${JSON.stringify(event)}\n`);
  }

  private appendLine(line: string): void {
    if (!this.file) throw new Error('events: onRunStart was not called');
    // lines are written in batches (one write per cell costs more than a simulated cell), at
    // the latest FLUSH_MS after they were made: a killed process loses at most that much
    this.file.append(line);
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_MS).unref();
  }

  /** Write the lines made so far (a timer does it FLUSH_MS after a line; runEnd at once). */
  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.file?.flush();
  }
}

/**
 * What an event log says, rebuilt: the run's start, every cellEnd, and the final report (rebuilt
 * when the run was killed).
 */
export interface ParsedEventLog {
  start: RunStart;
  cellEnds: CellResult[];
  report: RunReport;
  reason: RunEndReason;
  /** False when the log has no runEnd (the run was killed). */
  complete: boolean;
}

/** The first problem of a line that does not fit its schema, located at the line. */
function check<T>(schema: z.ZodType<T>, value: unknown, file: string, line: number): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new UserError([{ file, line, col: 1, path: issue.path.join('.'), message: issue.message }]);
}

/** What the lines of an event log add up to as they are read. */
interface EventState {
  file: string;
  logs: RunLogs | undefined;
  plan?: RunStart;
  planned: Map<string, CellResult>;
  cellEnds: CellResult[];
  end?: Extract<RunEvent, { type: 'runEnd' }>;
  lastMs: number;
  /** The first log range past the end of its file: an error in a finished run, expected in a killed one. */
  pastEnd?: Problem;
}

/** Every log reference of `cells` must stay inside the run folder (see log-ref.ts). */
function checkLogs(
  s: EventState,
  line: number,
  cells: ReadonlyArray<Partial<CellResult> | string>,
  path: string,
) {
  if (!s.logs) return;
  for (const [k, c] of cells.entries()) {
    if (typeof c === 'string' || c.log === undefined) continue;
    const where = `${path}${path && cells.length > 1 ? `.${k}` : ''}`;
    const log = s.logs.resolve(c.log);
    if (typeof log === 'string')
      throw new UserError([{ file: s.file, line, col: 1, path: where, message: log }]);
    if (log.pastEnd)
      s.pastEnd ??= {
        file: s.file,
        line,
        col: 1,
        path: where,
        message: `log ${c.log} ends past the end of its file`,
      };
  }
}

/** One line of the log, already parsed as JSON, checked and added to the state. */
function readEvent(s: EventState, json: unknown, line: number): void {
  const bad = (message: string) => new UserError([{ file: s.file, line, col: 1, path: '', message }]);
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  if (type === 'runStart') {
    const version = (json as { version?: unknown }).version;
    if (typeof version !== 'number' || !READABLE.has(version))
      throw bad(`unsupported event log version ${String(version)}`);
    s.plan = check(RunStartEventSchema, json, s.file, line).plan as RunStart;
    checkLogs(s, line, s.plan.cells, 'plan.cells');
    for (const c of s.plan.cells) s.planned.set(c.id, c);
  } else if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw bad('not an event (an object with a type)');
  } else if (!s.plan) {
    throw bad('event log does not start with a runStart event');
  } else if (type === 'cellEnd') {
    const event = check(CellEndEventSchema, json, s.file, line);
    const known = s.planned.get(event.cell.id);
    // a cell the plan does not list must be whole
    const cell = known ? undelta(event.cell, known) : check(FullCellSchema, event.cell, s.file, line);
    checkLogs(s, line, [event.cell], 'cell');
    s.cellEnds.push(cell);
    s.lastMs = event.ms;
  } else if (type === 'runEnd') {
    s.end = check(RunEndEventSchema, json, s.file, line) as EventState['end'];
    checkLogs(s, line, s.end!.cells, 'cells');
  } else {
    throw bad(`unknown event type ${JSON.stringify(type)}`);
  }
}

/**
 * Parse events.jsonl text. A truncated last line (the one a killed run was writing) is
 * ignored; any other bad line is a located UserError: every line is checked against its schema,
 * and with `logs` every log reference against the run folder (a complete log may not name bytes
 * past the end of a file; a killed run's may, its last logs were not written out). A log
 * without runEnd is a killed run, rebuilt.
 */
export function parseEventLog(text: string, file = EVENTS_FILE, logs?: RunLogs): ParsedEventLog {
  const lines = text.split('\n');
  const s: EventState = { file, logs, planned: new Map(), cellEnds: [], lastMs: 0 };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (isLast) break; // the line a killed run was writing
      throw new UserError([
        { file, line: i + 1, col: 1, path: '', message: 'corrupt event log line (not JSON)' },
      ]);
    }
    readEvent(s, json, i + 1);
  }
  if (s.end && s.pastEnd) throw new UserError([s.pastEnd]);
  if (!s.plan)
    throw new UserError([{ file, line: 1, col: 1, path: '', message: 'empty event log: no runStart event' }]);
  return s.end ? finishedRun(s.plan, s.cellEnds, s.end, file) : killedRun(s.plan, s.cellEnds, s.lastMs);
}

function finishedRun(
  plan: RunStart,
  cellEnds: CellResult[],
  end: NonNullable<EventState['end']>,
  file: string,
): ParsedEventLog {
  const byId = new Map<string, CellResult>();
  for (const c of plan.cells) byId.set(c.id, c);
  for (const c of cellEnds) byId.set(c.id, c);
  const cells = end.cells.map((ref) => {
    if (typeof ref !== 'string') return ref;
    const c = byId.get(ref);
    if (!c) throw new UserError(`${file}: runEnd refers to unknown cell ${ref}`);
    return c;
  });
  return { start: plan, cellEnds, report: { ...end.report, cells }, reason: end.reason, complete: true };
}

/** A killed run: ended cells plus the plan's cells that never run (invalid, duplicate); no others. */
function killedRun(plan: RunStart, cellEnds: CellResult[], lastMs: number): ParsedEventLog {
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
    ...(plan.planHash ? { planHash: plan.planHash } : {}),
  };
  return { start: plan, cellEnds, report, reason: 'interrupted', complete: false };
}
