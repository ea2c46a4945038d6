/**
 * Content-addressed result cache under .kmatrix/cache.
 *
 * The key is the sha256 of a cell's resolved content (never its id: renaming an axis value
 * must not invalidate results) plus the backend fingerprint. Entries are single JSON files
 * written to a unique temp file and renamed into place, so a reader sees either nothing or a
 * whole entry, a killed writer leaves only a stray `.tmp`, and two processes writing the same
 * key both leave a valid entry (the last rename wins). Anything unreadable is a miss;
 * entries are checked on reading (cache-entry.ts), and files and folders are private (0600, 0700).
 */
import { randomUUID } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Cell } from '../matrix/types.js';
import { DEFAULT_OUTPUT_CAP } from './capped-log.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import { encodeEntry, maxLogBytes, readEntry, type CachedResult } from './cache-entry.js';
import { makePrivateDirs, readRegularFile } from './private-files.js';

export { canonicalJson, sha256 } from './canonical-json.js';
export {
  decodeEntry,
  entrySum,
  isCachedStatus,
  type CachedResult,
  type CachedStatus,
} from './cache-entry.js';

/** The version in every cache key: changing it invalidates every entry. */
const KEY_VERSION = 1;

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
 * `{ v, content: { arch, resolved, config, boot, workload, machine, commit }, backend, cell }`, written
 * out in its sorted key order (a test checks the two agree): it runs for every cell of a run.
 */
export function cacheKey(cell: Cell, backendFingerprint: string, cellFingerprint = ''): string {
  const content = object(
    member('arch', cell.arch),
    member('boot', cell.boot),
    member('commit', cell.commit),
    member('config', cell.configHash),
    member('machine', cell.machine),
    member('resolved', cell.resolved),
    member('workload', cell.workload),
  );
  return sha256(
    object(
      member('backend', backendFingerprint),
      member('cell', cellFingerprint),
      `"content":${content}`,
      member('v', KEY_VERSION),
    ),
  );
}

/** What bounds the entries a cache reads back, and where it tells of tampered ones. */
export interface CacheOptions {
  /** --log-cap: bytes of output kept per attempt. */
  logCap?: number;
  /** Attempts a cell may take now (retries + 1). */
  attempts?: number;
  onWarning?: (message: string) => void;
}

/** Room in an entry beyond its log: its other fields. */
const ENTRY_SLACK = 64 * 1024;

export class ResultCache {
  /** An entry file larger than this is a miss without being read. */
  readonly maxEntryBytes: number;
  private readonly logCap: number;
  private readonly onWarning: ((message: string) => void) | undefined;

  constructor(
    readonly dir: string,
    options: CacheOptions = {},
  ) {
    this.logCap = options.logCap ?? DEFAULT_OUTPUT_CAP;
    this.onWarning = options.onWarning;
    // a log of up to 4 KiB is stored as JSON text (escaping may make it 6x), a larger one as
    // gzip in base64 (4/3 of it, and gzip may grow incompressible data a little)
    this.maxEntryBytes = ENTRY_SLACK + 2 * maxLogBytes(this.logCap, Math.max(1, options.attempts ?? 1));
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  /** The entry under `key`; undefined when absent, partial, corrupt, tampered with or of another version. */
  async get(key: string): Promise<CachedResult | undefined> {
    // synchronous: one small file, read in tens of microseconds; the promise API's open,
    // stat, read and close round trips through the thread pool cost several times that
    const text = readRegularFile(this.path(key), this.maxEntryBytes);
    if (text === undefined) return undefined;
    const read = readEntry(text, key, this.logCap);
    if ('result' in read) return read.result;
    if (read.miss === 'tampered')
      this.onWarning?.(`cache entry ${key} does not match its integrity hash: ignored, the cell runs again`);
    return undefined;
  }

  /** Stores a result atomically, readable by the user only. Throws on I/O failure (the caller decides). */
  async put(key: string, result: CachedResult): Promise<void> {
    const file = this.path(key);
    makePrivateDirs(this.dir, dirname(file));
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, encodeEntry(key, result), { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
  }
}
