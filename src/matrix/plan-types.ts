import type { History } from '../history/types.js';
import type { PlanSample } from './sample.js';
import type { KconfigTrees } from '../kconfig/trees.js';
import type { Cell } from './types.js';

/** How cells are run: the simulator, or any command per cell. */
export type BackendConfig =
  | { kind: 'sim' }
  | {
      kind: 'command';
      /** argv; never passed through a shell. Relative paths resolve against the matrix file's folder. */
      command: string[];
      timeoutMs?: number;
      cwd?: string;
      env: Record<string, string>;
      /** Files whose content hashes are part of the cache key. */
      inputs: string[];
    };

/** Run settings of a matrix after defaults (CLI flags override them). */
export interface RunSettings {
  jobs?: number;
  timeoutMs: number;
  retries: number;
  seed: number;
}

/** A loaded, validated, expanded matrix. */
export interface Plan {
  /** The matrix file path as given and its absolute folder. */
  file: string;
  dir: string;
  name: string;
  description?: string;
  backend: BackendConfig;
  settings: RunSettings;
  /** Every cell in deterministic order, including invalid and duplicate ones. */
  cells: Cell[];
  /** Axis names as reporters show them: arch, kconfig.<SYM>..., boot, workload, memory, nodes, commit. */
  axes: string[];
  history?: History;
  /** Present when the cells are a covering array of the matrix (`sample:`, `--sample t`). */
  sample?: PlanSample;
  /** The real kernel tree of a top-level `kconfig:` (cells at other commits resolve on it). */
  trees?: KconfigTrees;
}
