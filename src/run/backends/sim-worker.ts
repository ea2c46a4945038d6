/** Worker thread of the simulator backend: simulates batches of inputs. */
import { parentPort } from 'node:worker_threads';
import { createSimulator, type SimResult } from '../../sim/index.js';
import type { SimInput } from '../../sim/types.js';

export interface BatchRequest {
  id: number;
  inputs: SimInput[];
}
export type BatchReply = { id: number; results: Array<SimResult | { crash: string }> };

/** One per thread: boots shared by the cells of its batches are simulated once. */
const simulate = createSimulator();

parentPort?.on('message', (req: BatchRequest) => {
  const results = req.inputs.map((input) => {
    try {
      return simulate(input);
    } catch (err) {
      return { crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
    }
  });
  parentPort!.postMessage({ id: req.id, results } satisfies BatchReply);
});
