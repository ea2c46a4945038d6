/** From a planned cell to the simulator's input: pure. */
import type { History } from '../history/types.js';
import type { Cell } from '../matrix/types.js';
import { formatSize } from '../matrix/units.js';
import { objectMemo } from '../util/object-memo.js';
import type { SimInput } from '../sim/types.js';

/** The commit facts a simulated cell depends on (also part of its cache key). */
export interface CommitFacts {
  sha: string;
  subject: string;
  version?: string;
  buildBroken: boolean;
  switches: Record<string, unknown>;
}

export function commitFacts(cell: Cell, history: History | undefined): CommitFacts {
  const i = history?.index.get(cell.commit);
  if (!history || i === undefined) return { sha: cell.commit, subject: '', buildBroken: false, switches: {} };
  const s = history.stateAt(i);
  return {
    sha: s.sha,
    subject: s.subject,
    ...(s.version !== undefined ? { version: s.version } : {}),
    buildBroken: s.buildBroken,
    switches: s.switches,
  };
}

/** Flattened axes of a cell, as `inject` rules and exclude entries name them. */
export function cellAxes(cell: Cell): Record<string, string> {
  const axes: Record<string, string> = { arch: cell.arch };
  for (const [sym, v] of Object.entries(cell.kconfig)) axes[`kconfig.${sym}`] = v;
  axes.boot = cell.boot;
  axes.workload = cell.workload;
  axes.memory = formatSize(cell.machine.memory);
  axes.nodes = String(cell.machine.nodes);
  axes.commit = cell.commitLabel;
  return axes;
}

/**
 * The simulator's config per resolved Kconfig: cells share their resolution, and the simulator never
 * changes its input.
 */
const configOf = objectMemo((resolved: Cell['resolved']): SimInput['config'] => {
  const config: SimInput['config'] = {};
  for (const [sym, v] of Object.entries(resolved)) config[sym] = v === 'y';
  return config;
});

export function simInput(cell: Cell, facts: CommitFacts, attempt: number, seed: number): SimInput {
  return {
    arch: cell.arch,
    config: configOf(cell.resolved),
    boot: cell.boot,
    workload: cell.workload,
    machine: { memory: cell.machine.memory, nodes: cell.machine.nodes },
    commit: {
      sha: facts.sha,
      subject: facts.subject,
      ...(facts.version !== undefined ? { version: facts.version } : {}),
    },
    switches: facts.switches,
    axes: cellAxes(cell),
    attempt,
    seed,
    ...(facts.buildBroken ? { buildBroken: true } : {}),
  };
}
