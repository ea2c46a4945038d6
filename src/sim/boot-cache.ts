/**
 * Cells that differ only in what runs after boot (workload, attempt, seed) boot the same
 * machine. A small cache of recent boots, keyed by everything boot() reads (BootInput), lets
 * them share one: boot is most of a cell's simulation, and a matrix's fastest-changing axes
 * (memory, nodes) keep the boots of one workload value a few dozen cells apart. The cached run
 * is read-only; each cell goes on from a fork of its log. Pure: the same input gives the same
 * result with or without the cache.
 */
import { boot, type BootInput, type BootRun } from './boot.js';

export class BootCache {
  private readonly runs = new Map<string, BootRun>();
  /** Serialised switches per switches object: one commit's are shared by all its cells. */
  private readonly switchKeys = new WeakMap<object, string>();

  constructor(private readonly size = 256) {}

  /** boot(input), from the cache when a recent cell had the same BootInput; its log is the cell's own. */
  boot(input: BootInput): BootRun {
    const key = this.key(input);
    let run = this.runs.get(key);
    if (run) this.runs.delete(key); // re-inserted below: most recently used last
    else {
      // kept: a fork holds the log as one flat string, not its lines (a third of a boot's memory)
      run = withForkedLog(boot(input));
    }
    this.runs.set(key, run);
    if (this.runs.size > this.size) this.runs.delete(this.runs.keys().next().value!);
    return withForkedLog(run);
  }

  private key(input: BootInput): string {
    let enabled = '';
    for (const sym in input.config) if (input.config[sym] === true) enabled += `${sym},`;
    let switches = this.switchKeys.get(input.switches);
    if (switches === undefined) this.switchKeys.set(input.switches, (switches = JSON.stringify(input.switches)));
    const { arch, boot: cmdline, machine, commit } = input;
    return JSON.stringify([arch, cmdline, machine.memory, machine.nodes, commit.sha, commit.version ?? null, enabled, switches]);
  }
}

/** The run with a fork of its log. Spelled out: `{ ...run, log }` would give every cell's run its own hidden class. */
function withForkedLog(run: BootRun): BootRun {
  return { state: run.state, log: run.log.fork(), release: run.release, failed: run.failed, freed: run.freed };
}
