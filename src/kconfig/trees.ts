/**
 * A real kernel tree as the plan sees it (pure types; host-trees.ts opens one): the symbols it
 * declares and, per cell, the resolved configuration.
 */

/** One cell's configuration. */
export interface TreeResolution {
  /** sha256 of the .config text. */
  readonly configHash: string;
  /** Absolute path of the stored .config. */
  readonly configFile: string;
  /** Resolved values of the requested symbols. */
  readonly values: Readonly<Record<string, string>>;
  /** Why requested values do not hold (empty when all do). */
  readonly reasons: readonly string[];
}

/** A problem with `kconfig.base` or `kconfig.fragments[i]`, for the matrix to locate. */
export class TreeInputError extends Error {
  constructor(
    readonly at: readonly ['base'] | readonly ['fragments', number],
    message: string,
  ) {
    super(message);
  }
}

/** The Kconfig of a matrix's tree, at any commit of its history. */
export interface KconfigTrees {
  /** Every symbol some Kconfig file of the tree declares (any arch). */
  symbolNames(commit: string | undefined): ReadonlySet<string>;
  resolve(
    arch: string,
    commit: string | undefined,
    requests: Readonly<Record<string, string>>,
  ): TreeResolution;
}
