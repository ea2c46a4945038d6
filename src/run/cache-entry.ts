/**
 * One result-cache entry as stored: a JSON object holding the result, its key, and `sum`, a
 * sha256 over the key and the rest of the entry. Reading one back checks everything: version,
 * key, status, ranges (durations finite and not negative, attempts a whole number from 1, the
 * log within the cap) and the sum. The sum catches a disk's or a tool's corruption and a naive
 * edit (`fail` flipped to `pass`), not someone who recomputes it: a cache shared between
 * machines is trusted no further (`run --verify-cache N` is the check).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson, sha256 } from './canonical-json.js';

/** Statuses worth remembering: errors and timeouts are about the environment, so they re-run. */
export type CachedStatus = 'pass' | 'fail' | 'flaky' | 'skip';

/** What a cache entry gives back. */
export interface CachedResult {
  status: CachedStatus;
  signature?: string;
  durationMs: number;
  attempts: number;
  log: string;
  truncated?: boolean;
}

interface Entry {
  v: 2;
  key: string;
  status: CachedStatus;
  signature?: string;
  durationMs: number;
  attempts: number;
  truncated?: boolean;
  /** Plain log, or gzip+base64 when it is large. */
  log?: string;
  logGz?: string;
  /** entrySum of the rest. */
  sum?: string;
}

const ENTRY_VERSION = 2;
/** Logs above this size are stored compressed. */
const COMPRESS_ABOVE = 4096;
/** More attempts than any --retries a run would give: an entry claiming more is corrupt. */
const MAX_ATTEMPTS = 1000;
/** Per attempt, room beyond its capped output: its header, trailer and truncation marker. */
const ATTEMPT_SLACK = 1024;
const CACHED_STATUSES: readonly string[] = ['pass', 'fail', 'flaky', 'skip'];

/** Whether a result with this status is worth caching (errors and timeouts re-run). */
export const isCachedStatus = (status: string): status is CachedStatus => CACHED_STATUSES.includes(status);

/** The largest log an entry of `attempts` attempts can hold under a cap of `logCap` bytes per attempt. */
export const maxLogBytes = (logCap: number, attempts: number): number => (logCap + ATTEMPT_SLACK) * attempts;

/** The integrity hash of an entry (without its `sum`) stored under `key`. */
export function entrySum(key: string, entry: object): string {
  return sha256(`kmatrix-cache-entry ${key}\n${canonicalJson({ ...entry, sum: undefined })}`);
}

/** The JSON text of an entry holding `result` under `key`. */
export function encodeEntry(key: string, result: CachedResult): string {
  const entry: Entry = {
    v: ENTRY_VERSION,
    key,
    status: result.status,
    durationMs: result.durationMs,
    attempts: result.attempts,
    ...(result.signature !== undefined ? { signature: result.signature } : {}),
    ...(result.truncated ? { truncated: true } : {}),
    ...(Buffer.byteLength(result.log) > COMPRESS_ABOVE
      ? { logGz: gzipSync(result.log).toString('base64') }
      : { log: result.log }),
  };
  return JSON.stringify({ ...entry, sum: entrySum(key, entry) });
}

/** Durations finite and not negative, attempts a whole number from 1 to MAX_ATTEMPTS. */
function validRanges(e: Partial<Entry>): e is Partial<Entry> & { durationMs: number; attempts: number } {
  const { durationMs, attempts } = e;
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) return false;
  return (
    typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 && attempts <= MAX_ATTEMPTS
  );
}

/** A decoded entry, or why it is a miss: `tampered` (its sum does not match) deserves a warning. */
export type EntryRead = { result: CachedResult } | { miss: 'invalid' | 'tampered' };

/** Reads an entry: anything inconsistent (truncated JSON, another key or version, bad fields) is a miss. */
export function readEntry(text: string, key: string, logCap: number): EntryRead {
  let e: Partial<Entry>;
  try {
    e = JSON.parse(text) as Partial<Entry>;
  } catch {
    return { miss: 'invalid' };
  }
  if (!e || typeof e !== 'object' || e.v !== ENTRY_VERSION || e.key !== key) return { miss: 'invalid' };
  if (typeof e.sum !== 'string' || e.sum !== entrySum(key, e)) return { miss: 'tampered' };
  if (typeof e.status !== 'string' || !isCachedStatus(e.status) || !validRanges(e))
    return { miss: 'invalid' };
  if (e.signature !== undefined && typeof e.signature !== 'string') return { miss: 'invalid' };
  const most = maxLogBytes(logCap, e.attempts);
  let log: string;
  try {
    if (typeof e.logGz === 'string')
      log = gunzipSync(Buffer.from(e.logGz, 'base64'), { maxOutputLength: most }).toString('utf8');
    else if (typeof e.log === 'string') log = e.log;
    else return { miss: 'invalid' };
  } catch {
    return { miss: 'invalid' };
  }
  if (Buffer.byteLength(log) > most) return { miss: 'invalid' };
  const result: CachedResult = {
    status: e.status,
    durationMs: e.durationMs,
    attempts: e.attempts,
    log,
    ...(e.signature !== undefined ? { signature: e.signature } : {}),
    ...(e.truncated ? { truncated: true } : {}),
  };
  return { result };
}

/** The result an entry holds, or undefined when it is a miss. */
export function decodeEntry(text: string, key: string, logCap = 10 * 1024 * 1024): CachedResult | undefined {
  const read = readEntry(text, key, logCap);
  return 'result' in read ? read.result : undefined;
}
