/**
 * The command backend's per-cell log folders (KMATRIX_LOG_DIR): made when the cell is about to
 * start, removed after it when the program left nothing there.
 *
 * Synchronous calls on the main thread, the removals in batches: an asynchronous mkdir or
 * rmdir hands each folder to the thread pool, and waking a pool thread costs more than the
 * call (2,000 cells of `true`: 2.1 s of pool-thread CPU for 4,000 calls, against 0.07 s for
 * 2,000 synchronous mkdirs and 0.3 s for 2,000 rmdirs; test/bench/pool-overhead.mjs). On 2
 * busy cores that CPU is the spawner shells' (docs in spawner.ts).
 */
import { rmdirSync } from 'node:fs';
import { makeDirs } from '../../util/make-dirs.js';

/** Folders waiting to be removed (when empty) before a batch is. */
const BATCH = 64;

export class LogFolders {
  /** Ended cells' folders, in order, to be removed when still empty. */
  private readonly spent = new Set<string>();

  /** Makes `dir` for a cell about to start (a retry reuses it: it is no longer to be removed). */
  make(dir: string): void {
    this.spent.delete(dir);
    try {
      makeDirs(dir);
    } catch {
      // the program may not need it; the pool reports an unwritable report directory
    }
  }

  /** The cell of `dir` has ended: its folder goes, in a later batch, if the program left it empty. */
  removeIfEmpty(dir: string): void {
    this.spent.add(dir);
    if (this.spent.size >= BATCH) this.flush();
  }

  /** Removes the empty ones of the ended cells' folders now (a full one stays: ENOTEMPTY). */
  flush(): void {
    for (const dir of this.spent) {
      try {
        rmdirSync(dir);
      } catch {
        // not empty, or gone
      }
    }
    this.spent.clear();
  }
}
