/** Worker thread of the simulator backend: simulates batches of inputs. */
import { parentPort } from 'node:worker_threads';
import { simulate } from '../../sim/index.js';
import type { SimInput } from '../../sim/types.js';

export interface BatchRequest {
  id: number;
  inputs: SimInput[];
}
export type BatchReply = { id: number; results: Array<ReturnType<typeof simulate> | { crash: string }> };

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
