/**
 * Content-addressed result cache under .kmatrix/cache.
 *
 * The key is the sha256 of a cell's resolved content (never its id: renaming an axis value
 * must not invalidate results) plus the backend fingerprint. Entries are single JSON files
 * written to a unique temp file and renamed into place, so a reader sees either nothing or a
 * whole entry, a killed writer leaves only a stray `.tmp`, and two processes writing the same
 * key both leave a valid entry (the last rename wins). Anything unreadable is a miss.
 */
import { hash, randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Cell } from '../matrix/types.js';
import { makeDirs } from '../util/make-dirs.js';
import { DEFAULT_OUTPUT_CAP } from './capped-log.js';
import { readRegularFile } from './safe-read.js';

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
  v: 1;
  key: string;
  status: CachedStatus;
  signature?: string;
  durationMs: number;
  attempts: number;
  truncated?: boolean;
  /** Plain log, or gzip+base64 when it is large. */
  log?: string;
  logGz?: string;
}

const ENTRY_VERSION = 1;
/** Logs above this size are stored compressed. */
const COMPRESS_ABOVE = 4096;
/** More attempts than any --retries a run would give: an entry claiming more is corrupt. */
const MAX_ATTEMPTS = 1000;
const CACHED_STATUSES: readonly string[] = ['pass', 'fail', 'flaky', 'skip'];

/** Whether a result with this status is worth caching (errors and timeouts re-run). */
export const isCachedStatus = (status: string): status is CachedStatus => CACHED_STATUSES.includes(status);

const isIndexKey = (k: string) => /^(0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/**
 * JSON with object keys sorted, so equal content always hashes equally. Written out by hand
 * (it runs twice per cell to make cache keys): a JSON.stringify replacer copying every object
 * cost more than reading the cache entry.
 */
export function canonicalJson(value: unknown, memo?: WeakMap<object, string>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const known = memo?.get(value);
  if (known !== undefined) return known;
  const text = canonicalObject(value, memo);
  memo?.set(value, text);
  return text;
}

function canonicalObject(value: object, memo: WeakMap<object, string> | undefined): string {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON(): unknown }).toJSON(), memo);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v, memo))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  // the order an object built from the sorted entries enumerates in: integer-like keys first
  const keys = Object.keys(record).sort();
  const index = keys.filter(isIndexKey).sort((a, b) => Number(a) - Number(b));
  for (const k of index.length ? [...index, ...keys.filter((k) => !isIndexKey(k))] : keys) {
    const v = record[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v, memo)}`);
  }
  return `{${parts.join(',')}}`;
}

export function sha256(text: string | Buffer): string {
  // the one-shot hash (Node >= 20.12) skips the Hash object a createHash chain makes per call
  return hash('sha256', text, 'hex');
}

/**
 * Canonical JSON of the objects cells share (a resolved Kconfig, a machine, a commit's
 * switches), computed once: a plan's objects are never changed after planning.
 */
export const sharedJson = new WeakMap<object, string>();

/** `"name":<canonical JSON of value>`, or nothing for an undefined value (as canonicalJson omits it). */
const member = (name: string, value: unknown): string | undefined =>
  value === undefined ? undefined : `"${name}":${canonicalJson(value, sharedJson)}`;
const object = (...members: Array<string | undefined>): string =>
  `{${members.filter((m) => m !== undefined).join(',')}}`;

/**
 * The cache key of a cell under a backend: its content without the id, plus the fingerprints.
 * It is the sha256 of the canonical JSON of
 * `{ v, content: { arch, resolved, boot, workload, machine, commit }, backend, cell }`, written
 * out in its sorted key order (a test checks the two agree): it runs for every cell of a run.
 */
export function cacheKey(cell: Cell, backendFingerprint: string, cellFingerprint = ''): string {
  const content = object(
    member('arch', cell.arch),
    member('boot', cell.boot),
    member('commit', cell.commit),
    member('machine', cell.machine),
    member('resolved', cell.resolved),
    member('workload', cell.workload),
  );
  return sha256(
    object(
      member('backend', backendFingerprint),
      member('cell', cellFingerprint),
      `"content":${content}`,
      member('v', ENTRY_VERSION),
    ),
  );
}

/** What bounds the entries a cache reads back. */
export interface CacheLimits {
  /** --log-cap: bytes of output kept per attempt. */
  logCap?: number;
  /** Attempts a cell may take now (retries + 1). */
  attempts?: number;
}

/** Room in an entry beyond its log: the fields, and per attempt its header, trailer and truncation marker. */
const ENTRY_SLACK = 64 * 1024;
const ATTEMPT_SLACK = 1024;

/** The largest log an entry of `attempts` attempts can hold under a cap of `logCap` bytes per attempt. */
export const maxLogBytes = (logCap: number, attempts: number): number => (logCap + ATTEMPT_SLACK) * attempts;

export class ResultCache {
  /** An entry file larger than this is a miss without being read. */
  readonly maxEntryBytes: number;
  private readonly logCap: number;

  constructor(
    readonly dir: string,
    limits: CacheLimits = {},
  ) {
    this.logCap = limits.logCap ?? DEFAULT_OUTPUT_CAP;
    // a log of up to 4 KiB is stored as JSON text (escaping may make it 6x), a larger one as
    // gzip in base64 (4/3 of it, and gzip may grow incompressible data a little)
    this.maxEntryBytes = ENTRY_SLACK + 2 * maxLogBytes(this.logCap, Math.max(1, limits.attempts ?? 1));
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The entry under `key`, or undefined when absent, partial, corrupt or of another version. */
  async get(key: string): Promise<CachedResult | undefined> {
    // synchronous: one small file, read in tens of microseconds; the promise API's open,
    // stat, read and close round trips through the thread pool cost several times that
    const text = readRegularFile(this.path(key), this.maxEntryBytes);
    return text === undefined ? undefined : decodeEntry(text, key, this.logCap);
  }

  /** Store a result atomically. Throws on I/O failure (the caller decides whether that matters). */
  async put(key: string, result: CachedResult): Promise<void> {
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
    const file = this.path(key);
    makeDirs(dirname(file));
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(entry));
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}

/** Durations are finite and not negative, attempts a whole number from 1 to MAX_ATTEMPTS. */
function validRanges(e: Partial<Entry>): e is Partial<Entry> & { durationMs: number; attempts: number } {
  const { durationMs, attempts } = e;
  if (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0) return false;
  return (
    typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 && attempts <= MAX_ATTEMPTS
  );
}

/** Parse an entry; any inconsistency (truncated JSON, wrong key, bad fields) is a miss. */
export function decodeEntry(
  text: string,
  key: string,
  logCap = DEFAULT_OUTPUT_CAP,
): CachedResult | undefined {
  let e: Partial<Entry>;
  try {
    e = JSON.parse(text) as Partial<Entry>;
  } catch {
    return undefined;
  }
  if (!e || typeof e !== 'object' || e.v !== ENTRY_VERSION || e.key !== key) return undefined;
  if (typeof e.status !== 'string' || !isCachedStatus(e.status)) return undefined;
  if (!validRanges(e)) return undefined;
  if (e.signature !== undefined && typeof e.signature !== 'string') return undefined;
  let log: string;
  try {
    const most = maxLogBytes(logCap, e.attempts);
    if (typeof e.logGz === 'string')
      log = gunzipSync(Buffer.from(e.logGz, 'base64'), { maxOutputLength: most }).toString('utf8');
    else if (typeof e.log === 'string') log = e.log;
    else return undefined;
  } catch {
    return undefined;
  }
  if (Buffer.byteLength(log) > maxLogBytes(logCap, e.attempts)) return undefined;
  return {
    status: e.status as CachedStatus,
    durationMs: e.durationMs,
    attempts: e.attempts,
    log,
    ...(e.signature !== undefined ? { signature: e.signature } : {}),
    ...(e.truncated ? { truncated: true } : {}),
  };
}
