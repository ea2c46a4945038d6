/**
 * What SimPrefetch (sim-prefetch.ts) and its worker threads (sim-prefetch-worker.ts) share:
 * the messages, and the claims that let each batch be simulated by exactly one thread.
 */
import type { SimResult, SimInput } from '../../sim/types.js';

/** A SimInput whose shared objects (config, switches) are ids of objects sent before. */
export type WireInput = Omit<SimInput, 'config' | 'switches'> & { config: number; switches: number };
export type WorkerResult = SimResult | { crash: string };

export interface PrefetchRequest {
  /** Position of the first input among the cells the pool expects. */
  first: number;
  /** Index of the batch in `claims`. */
  batch: number;
  /** Per batch of the run, who simulates it (see claim); shared by every thread. */
  claims: Int32Array;
  /** Shared objects this worker has not seen: [id, object]. */
  shared: Array<[number, object]>;
  inputs: WireInput[];
}

/** A batch's results; none when another thread claimed the batch first. */
export interface PrefetchReply {
  first: number;
  results: WorkerResult[];
}

/** Take batch `batch` for thread `who` (1 a worker, 2 the main thread): true for the first to ask. */
export function claim(claims: Int32Array, batch: number, who: 1 | 2): boolean {
  return Atomics.compareExchange(claims, batch, 0, who) === 0;
}
