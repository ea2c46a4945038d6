/**
 * `kmatrix bisect --replay FILE`: a bisect.json (or its bare log array) read back as the
 * matrix, cell, ends and log to resume from, like `git bisect replay`. Pure: the caller reads
 * the file.
 */
import { UserError } from '../errors.js';
import type { BisectLogEntry } from './driver.js';

/** What a replayed record says; absent fields come from the command line. */
export interface Replay {
  matrix?: string;
  cell?: string;
  good?: string;
  bad?: string;
  jobs?: number;
  repeat?: number;
  log: BisectLogEntry[];
}

const STATUSES = ['good', 'bad', 'skip', 'mismatch'];
const TALLY = ['pass', 'fail', 'other', 'skip'] as const;

export function parseReplay(text: string, file: string): Replay {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`--replay ${file}: cannot read it as JSON: ${why}`);
  }
  const obj = Array.isArray(value) ? { log: value } : (value as Record<string, unknown> | null);
  const log = obj?.log;
  if (!Array.isArray(log))
    throw new UserError(`--replay ${file}: expected a bisect.json or an array of { round, commit, status }`);
  const problems: string[] = [];
  log.forEach((e: unknown, i) => {
    const x = e as Partial<BisectLogEntry> | null;
    if (
      !x ||
      typeof x.round !== 'number' ||
      typeof x.commit !== 'string' ||
      !STATUSES.includes(String(x.status))
    ) {
      problems.push(
        `${file}: log[${i}]: expected { round: number, commit: sha, status: good|bad|skip|mismatch }`,
      );
    } else if (
      x.runs !== undefined &&
      !TALLY.every((k) => Number.isInteger(x.runs?.[k]) && x.runs![k] >= 0)
    ) {
      problems.push(`${file}: log[${i}].runs: expected { pass, fail, other, skip } counts`);
    }
  });
  if (problems.length) throw new UserError(problems.join('\n'));
  const out: Replay = { log: log as BisectLogEntry[] };
  for (const k of ['matrix', 'cell', 'good', 'bad'] as const) {
    const v = obj?.[k];
    if (typeof v === 'string') out[k] = v;
  }
  for (const k of ['jobs', 'repeat'] as const) {
    const v = obj?.[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out[k] = v;
  }
  return out;
}
