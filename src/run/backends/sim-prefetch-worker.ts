/** Worker thread of SimPrefetch (sim-prefetch.ts): simulates batches of consecutive cells. */
import { workerData, type MessagePort } from 'node:worker_threads';
import { createSimulator } from '../../sim/index.js';
import type { SimInput } from '../../sim/types.js';
import { claim, type PrefetchReply, type PrefetchRequest, type WorkerResult } from './sim-prefetch-claims.js';

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };
/** One per thread: boots shared by neighbouring cells are simulated once. */
const simulate = createSimulator();
const objects = new Map<number, object>();

port.on('message', (req: PrefetchRequest) => {
  for (const [id, o] of req.shared) objects.set(id, o);
  // the main thread took the batch while it waited: nothing to do
  const mine = claim(req.claims, req.batch, 1);
  const results = !mine
    ? []
    : req.inputs.map((wire): WorkerResult => {
        const input = wire as unknown as SimInput;
        input.config = objects.get(wire.config) as SimInput['config'];
        input.switches = objects.get(wire.switches) as SimInput['switches'];
        try {
          return simulate(input);
        } catch (err) {
          return { crash: err instanceof Error ? (err.stack ?? err.message) : String(err) };
        }
      });
  port.postMessage({ first: req.first, results } satisfies PrefetchReply);
  // after the message: the main thread, woken, finds it on the port
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});
