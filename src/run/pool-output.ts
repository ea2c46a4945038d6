/**
 * Where a pool run writes besides its caller: each cell's log (packed with others, or a file of
 * its own, see log-pack.ts) and its cache entry. Written in the background, at most MAX_WRITES
 * at once (a file creation costs more than a simulated cell); `drain` waits for all of them.
 * A log that cannot be written is fatal (exit 3: the run stops, the cache keeps what it has);
 * a cache entry that cannot be written is a warning, once.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from '../errors.js';
import type { Cell } from '../matrix/types.js';
import { Bounded } from '../util/bounded.js';
import type { CachedResult, ResultCache } from './cache.js';
import { logPathOf } from './log-files.js';
import { LogPack, PACK_FILE, packed } from '../report/log-pack.js';
import type { Status } from '../report/schema.js';

/** Log and cache files being written at once. */
const MAX_WRITES = 64;

export class PoolOutput {
  /** The first fatal write error. */
  fatal: InfraError | undefined;
  private readonly writes = new Bounded(MAX_WRITES);
  private readonly pack: LogPack;
  private warnedCache = false;

  constructor(
    private readonly reportDir: string,
    /** Called once with the first fatal error. */
    private readonly onFatal: (err: InfraError) => void,
    private readonly onWarning?: (message: string) => void,
  ) {
    this.pack = new LogPack(reportDir);
  }

  private cannotWrite(file: string, err: unknown): void {
    if (this.fatal) return;
    this.fatal = InfraError.cannotWrite(file, err);
    this.onFatal(this.fatal);
  }

  /** Stores a cell's log and says where, relative to the report directory. */
  async storeLog(cell: Cell, status: Status, text: string): Promise<string | undefined> {
    if (packed(status)) {
      try {
        return this.pack.append(cell.id, text);
      } catch (err) {
        this.cannotWrite(join(this.reportDir, PACK_FILE), err);
        return undefined;
      }
    }
    const rel = logPathOf(cell.id);
    const file = join(this.reportDir, rel);
    await this.writes.start(() => writeFile(file, text).catch((err: unknown) => this.cannotWrite(file, err)));
    return rel;
  }

  async putCache(cache: ResultCache, key: string, entry: CachedResult): Promise<void> {
    await this.writes.start(() =>
      cache.put(key, entry).catch((err: unknown) => {
        if (!this.warnedCache)
          this.onWarning?.(
            `cannot write the result cache: ${err instanceof Error ? err.message : String(err)}`,
          );
        this.warnedCache = true;
      }),
    );
  }

  drain(): Promise<void> {
    return this.writes.drain();
  }

  /** Closes the log pack; a failure to is fatal too. */
  close(): void {
    try {
      this.pack.close();
    } catch (err) {
      this.fatal ??= InfraError.cannotWrite(join(this.reportDir, PACK_FILE), err);
    }
  }
}
