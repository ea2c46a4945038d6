/**
 * `kmatrix report <run dir> --reporter html,junit`: re-render
 * a recorded run from its event log (or report.json).
 */
import type { Command } from 'commander';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
      const before = fileTimes(run.dir);
      await replayRun(mux, { ...run, start: { ...run.start, reportDir: run.dir } });
      // what the reporters wrote, as `run` names its report.json
      const after = fileTimes(run.dir);
      for (const [name, time] of after)
        if (before.get(name) !== time)
          process.stderr.write(`wrote: ${relative(process.cwd(), join(run.dir, name)) || name}\n`);
      result.code = mux.failures.length ? 3 : 0;
    });
}

/** The run folder's files (not its logs/ folder) and when each last changed. */
function fileTimes(dir: string): Map<string, number> {
  const times = new Map<string, number>();
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isFile()) times.set(e.name, statSync(join(dir, e.name)).mtimeMs);
  return times;
}
