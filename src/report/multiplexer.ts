/**
 * Calls every reporter's hooks in order. A reporter that throws (sync or async) is isolated:
 * its error is printed once and it gets no further hooks (its output would be inconsistent),
 * while the run and the other reporters go on.
 */
import { escapeControl } from '../util/control.js';
import type { Writer } from './io.js';
import type { CellResult, RunReport } from './schema.js';
import type { Reporter, RunEndReason, RunStart } from './types.js';

export class Multiplexer implements Reporter {
  readonly name = 'multiplexer';
  private readonly failed = new Set<Reporter>();

  constructor(
    private readonly reporters: readonly Reporter[],
    private readonly stderr: Writer = process.stderr,
  ) {}

  /** Names of the reporters that threw during this run. */
  get failures(): string[] {
    return this.reporters.filter((r) => this.failed.has(r)).map((r) => r.name);
  }

  async onRunStart(plan: RunStart): Promise<void> {
    await this.each((r) => r.onRunStart?.(plan));
  }

  async onCellEnd(cell: CellResult): Promise<void> {
    await this.each((r) => r.onCellEnd?.(cell));
  }

  async onRunEnd(report: RunReport, reason: RunEndReason): Promise<void> {
    await this.each((r) => r.onRunEnd?.(report, reason));
  }

  private async each(call: (r: Reporter) => void | Promise<void>): Promise<void> {
    for (const r of this.reporters) {
      if (this.failed.has(r)) continue;
      try {
        await call(r);
      } catch (err) {
        this.failed.add(r);
        const message = err instanceof Error ? err.message : String(err);
        this.stderr.write(`kmatrix: reporter ${escapeControl(r.name)} failed: ${escapeControl(message)}\n`);
      }
    }
  }
}
