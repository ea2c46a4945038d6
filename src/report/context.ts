import type { Writer } from './io.js';

/** What every reporter is created with. */
export interface ReporterContext {
  /** The run's report folder (absolute): report.json, junit.xml, logs/ ... live here. */
  reportDir: string;
  stdout: Writer;
  stderr: Writer;
  /** Colour terminal output (the caller decides from NO_COLOR and isTTY). */
  color: boolean;
  /** Pivot axes for the table (`kconfig` stands for every kconfig.* axis). */
  rows?: string[];
  cols?: string[];
  /** `--json`: the json reporter prints report.json on stdout too. */
  json?: boolean;
  /** Environment (for $GITHUB_STEP_SUMMARY); defaults to process.env. */
  env?: Record<string, string | undefined>;
}

/** Decide colour the usual way: never with NO_COLOR, else only on a TTY. */
export function wantColor(stream: Writer, env: Record<string, string | undefined> = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
