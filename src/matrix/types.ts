/** Domain types of an expanded matrix: the plain data every other layer consumes. */

export const ARCHES = ['i386', 'x86_64', 'arm', 'arm64', 'ppc64', 's390', 'loongarch', 'riscv64'] as const;
export type Arch = (typeof ARCHES)[number];

export const WORKLOADS = ['boot', 'dma-alloc', 'kpageflags', 'hotplug', 'devdax'] as const;
export type Workload = (typeof WORKLOADS)[number];

export type Tristate = 'y' | 'n';

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
  kconfig: Record<string, Tristate>;
  /** Values after `make olddefconfig`-style resolution, for every symbol of the model at this commit. */
  resolved: Record<string, Tristate>;
  boot: string;
  workload: string;
  /** Full commit id (sha) of the history. */
  commit: string;
  /** Human label of the commit as the matrix named it (tag or short sha). */
  commitLabel: string;
  machine: Machine;
  state: CellState;
  reason?: string;
  duplicateOf?: string;
}
