/**
 * Cells that differ only in what runs after boot (workload, attempt, seed) boot the same
 * machine. A small cache of recent boots, keyed by everything boot() reads (BootInput), lets
 * them share one: boot is most of a cell's simulation, and a matrix's fastest-changing axes
 * (memory, nodes) keep the boots of one workload value a few dozen cells apart. The cached run
 * is read-only; each cell goes on from a fork of its log. Pure: the same input gives the same
 * result with or without the cache.
 */
import { objectMemo } from '../util/object-memo.js';
import { boot, type BootInput, type BootRun } from './boot.js';

export class BootCache {
  private readonly runs = new Map<string, BootRun>();
  /**
   * A number per distinct config or switches content; cells share these objects, so each is
   * numbered once.
   */
  private readonly contentIds = new Map<string, number>();
  private readonly configId = objectMemo((config: BootInput['config']) =>
    this.contentId(
      Object.keys(config)
        .filter((sym) => config[sym] === true)
        .join(','),
    ),
  );
  private readonly switchesId = objectMemo((switches: BootInput['switches']) =>
    this.contentId(JSON.stringify(switches)),
  );

  constructor(private readonly size = 256) {}

  /** boot(input), from the cache when a recent cell had the same BootInput; its log is the cell's own. */
  boot(input: BootInput): BootRun {
    const key = this.key(input);
    let run = this.runs.get(key);
    if (!run) {
      // kept: a fork holds the log as one flat string, not its lines (a third of a boot's memory)
      this.runs.set(key, (run = withForkedLog(boot(input))));
      // the oldest boot goes first: cells sharing a boot come within a few dozen cells of each other
      if (this.runs.size > this.size) this.runs.delete(this.runs.keys().next().value!);
    }
    return withForkedLog(run);
  }

  private key(input: BootInput): string {
    const { arch, boot: cmdline, machine, commit, config, switches } = input;
    return JSON.stringify([
      arch,
      cmdline,
      machine.memory,
      machine.nodes,
      commit.sha,
      commit.version ?? null,
      this.configId(config),
      this.switchesId(switches),
    ]);
  }

  private contentId(text: string): number {
    let id = this.contentIds.get(text);
    if (id === undefined) this.contentIds.set(text, (id = this.contentIds.size));
    return id;
  }
}

/**
 * The run with a fork of its log. Spelled out: `{ ...run, log }` would give every cell's run its
 * own hidden class.
 */
function withForkedLog(run: BootRun): BootRun {
  return {
    state: run.state,
    log: run.log.fork(),
    release: run.release,
    failed: run.failed,
    freed: run.freed,
  };
}
