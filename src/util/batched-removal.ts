/**
 * Paths removed a batch at a time with synchronous calls: one asynchronous call per path
 * hands each to the thread pool, and on 2 busy cores waking a pool thread preempts kmatrix's
 * main thread (~80 us a call, docs/benchmarks.md), where a call in a batch costs ~15 us. Used
 * for the spawner's spent output files (unlink) and the cells' empty log folders (rmdir).
 */
export class BatchedRemoval {
  private readonly pending = new Set<string>();

  /** `remove` is the synchronous call (unlinkSync, rmdirSync); its errors are ignored (gone, not empty). */
  constructor(
    private readonly remove: (path: string) => void,
    private readonly batch: number,
  ) {}

  /** `path` goes with the next batch. */
  add(path: string): void {
    this.pending.add(path);
    if (this.pending.size >= this.batch) this.flush();
  }

  /** `path` is in use again: it stays. */
  keep(path: string): void {
    this.pending.delete(path);
  }

  /** Removes what is pending now. */
  flush(): void {
    for (const path of this.pending) {
      try {
        this.remove(path);
      } catch {
        // gone already, or (a folder) not empty
      }
    }
    this.pending.clear();
  }
}
