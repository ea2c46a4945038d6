/**
 * `kmatrix report <run dir> --reporter html,junit`: re-render
 * a recorded run from its event log (or report.json).
 */
import type { Command } from 'commander';
import type { CommandResult } from './main.js';

import { terminalReporters } from './reporters.js';

export function registerReport(program: Command, result: CommandResult): void {
  program
    .command('report')
    .description('re-render a run folder (events.jsonl, or report.json) with any reporters')
    .argument('<run-dir>', 'a run folder, e.g. reports/mm-20250101-120000')
    .option(
      '-r, --reporter <names>',
      'table,json,junit,markdown,html,kcidb,events or a reporter module path',
      'table',
    )
    .option('--rows <axes>', 'table/html pivot rows, e.g. arch,boot (kconfig = every kconfig.* axis)')
    .option('--cols <axes>', 'table/html pivot columns, e.g. kconfig')
    .action(async (dir: string, opts: { reporter: string; rows?: string; cols?: string }) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const { loadRun, parseReporterList, replayRun } = await import('../report/index.js');
      const run = loadRun(dir);
      const names = parseReporterList(opts.reporter);
      const mux = await terminalReporters(names, run.dir, opts);
      await replayRun(mux, { ...run, start: { ...run.start, reportDir: run.dir } });
      result.code = mux.failures.length ? 3 : 0;
    });
}
