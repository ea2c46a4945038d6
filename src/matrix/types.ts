/** Domain types of an expanded matrix: the plain data every other layer consumes. */

import type { Arch } from '../kconfig/declared-model.js';

// the declared Kconfig model owns the arch list (its selects cover every arch); a cell uses it
export { ARCHES, type Arch, type Tristate } from '../kconfig/declared-model.js';

export const WORKLOADS = ['boot', 'dma-alloc', 'kpageflags', 'hotplug', 'devdax'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Simulated (or described) hardware of a cell. */
export interface Machine {
  /** Memory in bytes. */
  memory: number;
  nodes: number;
}

/** What happens to a cell at plan time. */
export type CellState = 'run' | 'invalid' | 'duplicate';

/** One point of the expanded matrix. */
export interface Cell {
  /** Stable, readable, file-name-safe id. */
  id: string;
  arch: Arch;
  /** Kconfig values as requested by the matrix (only the symbols the cell names). */
  kconfig: Record<string, string>;
  /**
   * Values after `make olddefconfig`: every symbol of the declared model at this commit, or, with
   * a real tree (kconfig.tree), the requested symbols (the whole configuration is in configFile).
   */
  resolved: Record<string, string>;
  boot: string;
  workload: string;
  /** Full commit id (sha) of the history. */
  commit: string;
  /** Human label of the commit as the matrix named it (tag or short sha). */
  commitLabel: string;
  machine: Machine;
  /** With a real tree: sha256 of the cell's full .config, and the absolute path of the stored file. */
  configHash?: string;
  configFile?: string;
  state: CellState;
  reason?: string;
  duplicateOf?: string;
}
