/**
 * The simulator backend. Per-cell messaging would dominate a sub-millisecond simulation, so
 * cells are queued and simulated in batches, in-process or spread over worker threads (one
 * per job) so that every core works while the main thread writes logs and cache entries.
 *
 * Threads used to win (~25%, when a cell cost ~2 ms). Since boots are shared between cells
 * (sim/boot-cache.ts) a cell costs far less than handing it to a thread and its log back:
 * test/bench/sim-backend.mjs, 2,240 runnable cells, 2 cores, load ~2.7, Node 20:
 *   raw simulate() loop, no pool             225 ms  100 us/cell
 *   pool, in-process                         106 ms   47 us/cell
 *   pool, 2 worker threads, batch 16         289 ms  129 us/cell
 *   pool, 2 worker threads, batch 64         231 ms  103 us/cell
 *   pool, 2 worker threads, batch 256        296 ms  132 us/cell
 * So with one job the pool runs it in-process. With more, jobs - 1 threads simulate the run's
 * cells ahead of the pool and the pool still takes each result synchronously (sim-prefetch.ts):
 * no message or promise per cell, and the main thread keeps writing logs and reports. The
 * per-batch async threads above remain for KMATRIX_SIM_THREADS=1.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { History } from '../../history/types.js';
import type { Cell } from '../../matrix/types.js';
import { createSimulator, MODEL_VERSION } from '../../sim/index.js';
import type { SimInput, SimResult } from '../../sim/types.js';
import { canonicalJson, sharedJson } from '../cache.js';
import { cellAxes, commitFacts, simInput } from '../sim-input.js';
import type { Backend, BackendFeed, Outcome, RunContext } from '../types.js';
import type { BatchReply, BatchRequest } from './sim-worker.js';
import { SimPrefetch } from './sim-prefetch.js';

export interface SimBackendOptions {
  history?: History;
  seed: number;
  /** Worker threads; 0 or 1 simulates in-process. */
  workers: number;
  /** Cells per message to a worker. */
  batchSize?: number;
  /**
   * Worker threads that simulate the cells the pool will run ahead of it (sim-prefetch.ts),
   * while the main thread simulates nothing; 0 or absent: none.
   */
  prefetch?: number;
  /** Compiled prefetch worker script; defaults to sim-prefetch-worker.js beside this module. */
  prefetchUrl?: URL;
  /** False: the main thread waits for the prefetch workers instead of taking batches (tests). */
  prefetchSteal?: boolean;
  /**
   * Compiled worker script; defaults to sim-worker.js beside this module (absent when running from
   * sources).
   */
  workerUrl?: URL;
}

/**
 * A worker holds one batch and a few hundred cached boots: a small young generation is enough,
 * and each thread's default one cost ~70 MB of peak RSS on the 100,000-cell bench matrix at
 * --jobs 2 (median of 6 runs each, 583 -> 512 MB, wall time unchanged within noise).
 */
const WORKER_YOUNG_MB = 8;

type Waiter = { input: SimInput; resolve: (r: SimResult | { crash: string }) => void };

export function outcomeOf(r: SimResult | { crash: string }): Outcome {
  if ('crash' in r)
    return {
      verdict: 'error',
      signature: `simulator crashed: ${r.crash.split('\n')[0]}`,
      log: `${r.crash}\n`,
    };
  return { verdict: r.verdict, log: r.log, ...(r.signature !== undefined ? { signature: r.signature } : {}) };
}

export class SimBackend implements Backend {
  readonly name = 'sim';
  private readonly workers: Worker[] = [];
  private readonly busy: number[] = [];
  private readonly dead = new Set<number>();
  private readonly queue: Waiter[] = [];
  private readonly pending = new Map<number, Waiter[]>();
  /** Batch id -> worker index. */
  private readonly owner = new Map<number, number>();
  private nextId = 0;
  /** In-process simulation (no worker threads): boots shared by cells are simulated once. */
  private readonly simulate = createSimulator();
  private flushScheduled = false;
  private readonly batchSize: number;
  /** True when cells run on worker threads. */
  readonly threaded: boolean;

  constructor(private readonly opts: SimBackendOptions) {
    this.batchSize = opts.batchSize ?? 32;
    const url = opts.workerUrl ?? new URL('./sim-worker.js', import.meta.url);
    this.threaded = opts.workers > 1 && existsSync(fileURLToPath(url));
    this.url = url;
    if (this.threaded) for (let i = 0; i < opts.workers; i++) this.spawn(i);
    const ahead = opts.prefetchUrl ?? new URL('./sim-prefetch-worker.js', import.meta.url);
    if (!this.threaded && (opts.prefetch ?? 0) > 0 && existsSync(fileURLToPath(ahead)))
      this.prefetch = new SimPrefetch(ahead, opts.prefetch!, {
        input: (cell) => this.input(cell, 0),
        simulate: (cell) => this.simulateHere(cell, 0),
        ...(opts.prefetchSteal === false ? { steal: false } : {}),
      });
    this.feed = {
      inFlight: Math.max(16, this.threaded ? opts.workers * this.batchSize * 2 : 1),
      runSync: (cell, attempt) => this.runSync(cell, attempt),
      ...(this.prefetch ? { expect: (cells: readonly Cell[]) => this.prefetch!.expect(cells) } : {}),
    };
  }

  /** Simulates expected cells ahead on worker threads; absent at one job or from sources. */
  readonly prefetch: SimPrefetch | undefined;

  private input(cell: Cell, attempt: number): SimInput {
    return simInput(cell, commitFacts(cell, this.opts.history), attempt, this.opts.seed);
  }

  private readonly url: URL;

  /** Start (or replace) worker i; events of a replaced worker are ignored. */
  private spawn(i: number): void {
    const w = new Worker(this.url, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
    const current = () => this.workers[i] === w;
    w.on('message', (reply: BatchReply) => current() && this.onReply(i, reply));
    w.on('error', (err) => current() && this.onWorkerError(i, err));
    w.on('exit', () => current() && this.onWorkerError(i, new Error('simulator worker exited')));
    w.unref();
    this.workers[i] = w;
    this.busy[i] = 0;
  }

  /**
   * In flight: enough cells that every worker always has a batch queued (in-process, a few
   * cells whose results are recorded while the next ones are computed).
   */
  readonly feed: BackendFeed;

  fingerprint(): string {
    return `sim:${MODEL_VERSION}:seed=${this.opts.seed}`;
  }

  /** Canonical JSON of each commit's facts: a history never changes during a run. */
  private readonly factsJson = new Map<string, string>();

  /** The canonical JSON of `{ commit: commitFacts(cell), axes: cellAxes(cell) }`, in its sorted key order. */
  cellFingerprint(cell: Cell): string {
    let facts = this.factsJson.get(cell.commit);
    if (facts === undefined)
      this.factsJson.set(
        cell.commit,
        (facts = canonicalJson(commitFacts(cell, this.opts.history), sharedJson)),
      );
    return `{"axes":${canonicalJson(cellAxes(cell))},"commit":${facts}}`;
  }

  runSync(cell: Cell, attempt: number): Outcome | undefined {
    if (this.threaded) return undefined;
    return outcomeOf(
      (attempt === 0 ? this.prefetch?.take(cell) : undefined) ?? this.simulateHere(cell, attempt),
    );
  }

  /** The cell simulated in this thread (with this thread's boot cache). */
  private simulateHere(cell: Cell, attempt: number): SimResult | { crash: string } {
    try {
      return this.simulate(this.input(cell, attempt));
    } catch (err) {
      return { crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  }

  async run(cell: Cell, ctx: RunContext): Promise<Outcome> {
    const now = this.runSync(cell, ctx.attempt);
    if (now) return now;
    const input = this.input(cell, ctx.attempt);
    const result = await new Promise<SimResult | { crash: string }>((resolve) => {
      const waiter: Waiter = {
        input,
        resolve: (r) => {
          ctx.signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      const onAbort = () => this.abandon(waiter);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.scheduleFlush();
    });
    return outcomeOf(result);
  }

  /**
   * A cell aborted (timed out) before its result came: drop it from the queue, or, when its
   * batch is on a worker (a simulation that does not end), replace that worker and requeue
   * the batch's other cells.
   */
  private abandon(waiter: Waiter): void {
    const aborted = { crash: 'aborted before the simulator answered' };
    const queued = this.queue.indexOf(waiter);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      waiter.resolve(aborted);
      return;
    }
    for (const [id, batch] of this.pending) {
      if (!batch.includes(waiter)) continue;
      const w = this.owner.get(id)!;
      const stuck = this.workers[w]!;
      const requeue: Waiter[] = [];
      for (const [other, ow] of [...this.owner]) {
        if (ow !== w) continue;
        requeue.push(...this.pending.get(other)!.filter((x) => x !== waiter));
        this.pending.delete(other);
        this.owner.delete(other);
      }
      this.spawn(w);
      void stuck.terminate();
      this.queue.unshift(...requeue);
      waiter.resolve(aborted);
      this.scheduleFlush();
      return;
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Hand out batches to workers that have fewer than two in hand. */
  private flush(): void {
    while (this.queue.length > 0) {
      let w = -1;
      for (let i = 0; i < this.workers.length; i++)
        if (!this.dead.has(i) && (w < 0 || this.busy[i]! < this.busy[w]!)) w = i;
      if (w < 0) {
        for (const waiter of this.queue.splice(0)) waiter.resolve({ crash: 'every simulator worker died' });
        return;
      }
      if (this.busy[w]! >= 2) return;
      const batch = this.queue.splice(0, this.batchSize);
      const id = this.nextId++;
      this.pending.set(id, batch);
      this.owner.set(id, w);
      this.busy[w]!++;
      this.workers[w]!.ref();
      this.workers[w]!.postMessage({ id, inputs: batch.map((b) => b.input) } satisfies BatchRequest);
    }
  }

  private onReply(worker: number, reply: BatchReply): void {
    const batch = this.pending.get(reply.id);
    this.pending.delete(reply.id);
    this.owner.delete(reply.id);
    if (--this.busy[worker]! === 0) this.workers[worker]!.unref();
    batch?.forEach((waiter, i) => waiter.resolve(reply.results[i] ?? { crash: 'no result from worker' }));
    this.flush();
  }

  private onWorkerError(worker: number, err: Error): void {
    if (this.closing || this.dead.has(worker)) return;
    // a dead worker loses its batches: fail them as simulator crashes rather than hang, and stop using it
    this.dead.add(worker);
    for (const [id, w] of this.owner) {
      if (w !== worker) continue;
      for (const waiter of this.pending.get(id) ?? []) waiter.resolve({ crash: err.stack ?? err.message });
      this.pending.delete(id);
      this.owner.delete(id);
    }
    this.flush();
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers.map((w) => w.terminate()), this.prefetch?.close()]);
    this.workers.length = 0;
  }
}
