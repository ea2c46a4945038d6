/**
 * The reporters a command renders to the terminal and the run folder (run, report, merge
 * share it): `--reporter` names, the `--rows`/`--cols` pivot, colour when stdout is a TTY,
 * behind one multiplexer that isolates a reporter that throws.
 */
import type { Multiplexer } from '../report/index.js';

export interface ReporterFlags {
  rows?: string;
  cols?: string;
  json?: boolean;
}

/** Comma-separated axes, as --rows and --cols take them. */
export const axesList = (v: string | undefined): string[] | undefined =>
  v
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export async function terminalReporters(
  names: string[],
  reportDir: string,
  flags: ReporterFlags,
): Promise<Multiplexer> {
  // loaded here: the report code is not needed by every command (start-up)
  const { createReporters, Multiplexer, wantColor } = await import('../report/index.js');
  const rows = axesList(flags.rows);
  const cols = axesList(flags.cols);
  const reporters = await createReporters(names, {
    reportDir,
    stdout: process.stdout,
    stderr: process.stderr,
    color: wantColor(process.stdout),
    ...(rows ? { rows } : {}),
    ...(cols ? { cols } : {}),
    ...(flags.json ? { json: true } : {}),
  });
  return new Multiplexer(reporters, process.stderr);
}
