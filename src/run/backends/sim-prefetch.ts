/**
 * The simulator on worker threads without a round trip per cell. The engine says which cells
 * the pool will run, in order (BackendFeed.expect); worker threads simulate them a window
 * ahead of the pool, in batches of consecutive cells (cells that share a boot are neighbours,
 * so each worker's boot cache still shares it), and the pool takes each result synchronously
 * (BackendFeed.runSync) as it did from the in-process simulator: no promise, timer or abort
 * wiring per cell, and the main thread is free for logs and reports while workers simulate.
 *
 * Results come back on a MessagePort the main thread reads with receiveMessageOnPort. When
 * the result it needs is not there yet, the main thread simulates that cell's batch itself if
 * no worker has started it (each batch is claimed once, by compare-and-swap on a shared
 * array: the main thread only works when it would otherwise wait, so the work splits itself
 * whatever the machine's load), or sleeps on an Atomics counter the worker bumps after each
 * batch. A cell that no live worker holds (not expected, fallen out of the window, a dead
 * worker's) is simulated in-process by the caller: same function, same result.
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Cell } from '../../matrix/types.js';
import type { SimInput } from '../../sim/types.js';
import {
  claim,
  type PrefetchReply,
  type PrefetchRequest,
  type WireInput,
  type WorkerResult,
} from './sim-prefetch-claims.js';

/** Cells simulated ahead of the one the pool takes: enough for every worker to always hold work. */
const LOOKAHEAD = 2048;
/** Consecutive cells per message: a few shared boots' worth, and few messages. */
const BATCH = 128;
/** A worker silent this long while the pool waits for it is given up (its cells run in-process). */
const STALL_MS = 10_000;
/** A worker holds one batch and its boot cache: a small young generation is enough (see sim.ts). */
const WORKER_YOUNG_MB = 8;

interface Lane {
  worker: Worker;
  port: MessagePort;
  /** Objects (configs, switches) this worker has been sent, by id. */
  sent: Set<number>;
  dead: boolean;
}

/** Batches sent and not answered: first position -> [end, lane]. */
type Pending = Map<number, { end: number; lane: Lane }>;

/** How SimPrefetch makes a cell's input, and simulates a cell in this thread. */
export interface SimHere {
  input(cell: Cell): SimInput;
  simulate(cell: Cell): WorkerResult;
  /** False: never take a batch, wait for the workers (tests of the workers' results). */
  steal?: boolean;
}

export class SimPrefetch {
  private readonly lanes: Lane[] = [];
  /** Bumped by a worker after each reply. */
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private cells: readonly Cell[] = [];
  private readonly position = new Map<Cell, number>();
  private readonly results = new Map<number, WorkerResult>();
  private readonly pending: Pending = new Map();
  private next = 0;
  private taken = -1;
  /** Results handed out from the window: computed by a worker, or by this thread in a batch it took. */
  served = 0;
  /** Batches this thread took while it waited. */
  stolen = 0;
  private batches = 0;
  /** Shared input objects (a resolved config, a commit's switches) -> id. */
  private readonly ids = new Map<object, number>();

  /** Per batch: 0 free, 1 taken by a worker, 2 by this thread (see claim). */
  private claims: Int32Array<ArrayBufferLike> = new Int32Array(0);

  constructor(
    url: URL,
    workers: number,
    private readonly here: SimHere,
  ) {
    for (let i = 0; i < workers; i++) {
      const { port1, port2 } = new MessageChannel();
      const worker = new Worker(url, {
        workerData: { port: port2, signal: this.signal },
        transferList: [port2],
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB },
      });
      const lane: Lane = { worker, port: port1, sent: new Set(), dead: false };
      const fail = () => this.bury(lane);
      worker.on('error', fail).on('exit', fail).unref();
      this.lanes.push(lane);
    }
  }

  /** The cells the pool is about to run, in the order it runs them (once per backend). */
  expect(cells: readonly Cell[]): void {
    this.cells = cells;
    this.position.clear();
    cells.forEach((c, i) => this.position.set(c, i));
    this.results.clear();
    this.next = 0;
    this.taken = -1;
    this.claims = new Int32Array(new SharedArrayBuffer(4 * (Math.ceil(cells.length / BATCH) + 1)));
    this.refill();
  }

  /** The result of an expected cell's first attempt; undefined when no worker has it (simulate it here). */
  take(cell: Cell): WorkerResult | undefined {
    const at = this.position.get(cell);
    if (at === undefined) return undefined;
    this.position.delete(cell);
    if (at > this.taken) this.taken = at;
    this.refill();
    let waited = 0;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      this.receive();
      const r = this.results.get(at);
      if (r !== undefined) {
        this.results.delete(at);
        this.served++;
        return r;
      }
      const lane = this.holder(at);
      if (!lane) return undefined;
      if (this.steal(at)) continue;
      if (Atomics.wait(this.signal, 0, seen, 100) === 'timed-out' && (waited += 100) >= STALL_MS)
        this.bury(lane);
    }
  }

  close(): Promise<unknown> {
    return Promise.all(this.lanes.map((l) => ((l.dead = true), l.worker.terminate())));
  }

  /** Send batches until the window past the last taken cell is covered. */
  private refill(): void {
    const live = this.lanes.filter((l) => !l.dead);
    while (live.length && this.next < this.cells.length && this.next <= this.taken + LOOKAHEAD) {
      const first = this.next;
      const end = Math.min(this.cells.length, first + BATCH);
      const lane = live[this.batches++ % live.length]!;
      const shared: PrefetchRequest['shared'] = [];
      const inputs: WireInput[] = [];
      for (let i = first; i < end; i++) {
        const input = this.here.input(this.cells[i]!);
        const wire = input as unknown as WireInput;
        wire.config = this.share(lane, input.config, shared);
        wire.switches = this.share(lane, input.switches, shared);
        inputs.push(wire);
      }
      const claims = this.claims;
      lane.port.postMessage({
        first,
        batch: first / BATCH,
        claims,
        shared,
        inputs,
      } satisfies PrefetchRequest);
      this.pending.set(first, { end, lane });
      this.next = end;
    }
  }

  /** The id of a shared object, queued for the lane the first time it needs it. */
  private share(lane: Lane, o: object, shared: PrefetchRequest['shared']): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.ids.size));
    if (!lane.sent.has(id)) {
      lane.sent.add(id);
      shared.push([id, o]);
    }
    return id;
  }

  /** Store every reply that has come; results behind the window are dropped (their cells were cached). */
  private receive(): void {
    for (const lane of this.lanes) {
      for (let m = receiveMessageOnPort(lane.port); m; m = receiveMessageOnPort(lane.port)) {
        const reply = m.message as PrefetchReply;
        this.pending.delete(reply.first);
        if (lane.dead) continue;
        reply.results.forEach((r, i) => {
          if (reply.first + i > this.taken - LOOKAHEAD) this.results.set(reply.first + i, r);
        });
      }
    }
    if (this.results.size > 2 * LOOKAHEAD)
      for (const at of this.results.keys()) if (at <= this.taken - LOOKAHEAD) this.results.delete(at);
  }

  /** Simulate here the batch that holds `at` if no worker has started it; true when done. */
  private steal(at: number): boolean {
    const first = at - (at % BATCH);
    const b = this.pending.get(first);
    if (!b || this.here.steal === false || !claim(this.claims, first / BATCH, 2)) return false;
    this.pending.delete(first);
    this.stolen++;
    for (let i = first; i < b.end; i++) this.results.set(i, this.here.simulate(this.cells[i]!));
    return true;
  }

  /** The live lane whose batch holds position `at`, if any. */
  private holder(at: number): Lane | undefined {
    for (const [first, b] of this.pending) if (first <= at && at < b.end && !b.lane.dead) return b.lane;
    return undefined;
  }

  /** A worker that died or stalled: its batches are forgotten, their cells simulated in-process. */
  private bury(lane: Lane): void {
    if (lane.dead) return;
    lane.dead = true;
    void lane.worker.terminate();
    for (const [first, b] of this.pending) if (b.lane === lane) this.pending.delete(first);
  }
}
