/** Commit sources: a simulated history (YAML) or a real git repository. */

/** One commit of a history, oldest first in `History.commits`. */
export interface Commit {
  sha: string;
  subject: string;
  tags: string[];
  /** Switch changes this commit makes (simulated histories only). */
  set: Record<string, unknown>;
  buildBroken: boolean;
  /** Kernel version string in force at this commit, if the history says. */
  version?: string;
}

/** The simulated model at one commit: defaults plus every `set` up to and including it. */
export interface CommitState {
  sha: string;
  subject: string;
  version?: string;
  buildBroken: boolean;
  switches: Record<string, unknown>;
  /** Kconfig naming in force: canonical symbol -> name at this commit, or null when absent. */
  symbolNames: Record<string, string | null>;
}

export interface History {
  kind: 'sim' | 'git';
  name: string;
  /** Absolute path of the history file or repository. */
  source: string;
  commits: Commit[];
  /** sha -> index in commits. */
  index: Map<string, number>;
  /** State of the model at commit i (simulated histories); git histories return defaults. */
  stateAt(i: number): CommitState;
}
