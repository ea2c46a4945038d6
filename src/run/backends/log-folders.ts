/**
 * The command backend's per-cell log folders (KMATRIX_LOG_DIR): made when the cell is about to
 * start, removed after it when the program left nothing there.
 *
 * Synchronous calls on the main thread, the removals in batches (util/batched-removal.ts): an
 * asynchronous mkdir or rmdir hands each folder to the thread pool, and waking a pool thread
 * costs more than the call (2,000 cells of `true`: 2.1 s of pool-thread CPU for 4,000 calls;
 * test/bench/pool-overhead.mjs, docs/benchmarks.md). On 2 busy cores that CPU is the spawner
 * shells'.
 */
import { rmdirSync } from 'node:fs';
import { BatchedRemoval } from '../../util/batched-removal.js';
import { makeDirs } from '../../util/make-dirs.js';

export class LogFolders {
  /** Ended cells' folders, removed when still empty (rmdir refuses a full one). */
  private readonly spent = new BatchedRemoval(rmdirSync, 64);

  /** Makes `dir` for a cell about to start (a retry reuses it: it is no longer to be removed). */
  make(dir: string): void {
    this.spent.keep(dir);
    try {
      makeDirs(dir);
    } catch {
      // the program may not need it; the pool reports an unwritable report directory
    }
  }

  /** The cell of `dir` has ended: its folder goes, in a later batch, if the program left it empty. */
  removeIfEmpty(dir: string): void {
    this.spent.add(dir);
  }

  /** Removes the empty ones of the ended cells' folders now. */
  flush(): void {
    this.spent.flush();
  }
}
