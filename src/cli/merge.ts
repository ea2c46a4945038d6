/** `kmatrix merge <dirs...> -o <dir>`: merge shard runs into one run that every reporter can render. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../errors.js';
import type { RunReport } from '../report/schema.js';
import { printComparison, readBaselineFile } from './gate.js';
import type { CommandResult } from './main.js';

import { terminalReporters } from './reporters.js';

/** The gate of the merged run, with an optional baseline. */
async function gateMerged(report: RunReport, opts: { baseline?: string; strict?: boolean }): Promise<number> {
  const [{ gateExitCode }, { compareToBaseline }] = await Promise.all([
    import('../run/gate.js'),
    import('../run/baseline.js'),
  ]);
  const strict = opts.strict ?? false;
  const comparison = opts.baseline
    ? compareToBaseline(report.cells, await readBaselineFile(opts.baseline), strict)
    : undefined;
  if (comparison) printComparison(process.stderr, comparison);
  return gateExitCode({
    summary: report.summary,
    interrupted: report.interrupted,
    strict,
    ...(comparison ? { newFailures: comparison.newFailures.length } : {}),
  });
}

export function registerMerge(program: Command, result: CommandResult): void {
  program
    .command('merge')
    .description('merge shard run folders into one run (events.jsonl, report.json, logs) and render it')
    .argument('<run-dirs...>', 'shard run folders')
    .requiredOption('-o, --output <dir>', 'the merged run folder')
    .option(
      '-r, --reporter <names>',
      'extra reporters: table,junit,markdown,html or a module path (events and json are always written)',
      'table',
    )
    .option('--rows <axes>', 'table/html pivot rows')
    .option('--cols <axes>', 'table/html pivot columns')
    .option(
      '--gate',
      'exit like `kmatrix run` would on the merged run: 1 on failures or timeouts, 3 on errors',
    )
    .option('--baseline <file>', 'with --gate: fail only on failures not in this baseline')
    .option('--strict', 'with --gate: flaky cells fail too')
    .action(
      async (
        dirs: string[],
        opts: {
          output: string;
          reporter: string;
          rows?: string;
          cols?: string;
          gate?: boolean;
          baseline?: string;
          strict?: boolean;
        },
      ) => {
        // loaded here, not at the top: help imports every command module (start-up)
        const { checkOutputFolder, copyLogs, loadRun, mergeRuns, parseReporterList, replayRun } =
          await import('../report/index.js');
        const out = resolve(opts.output);
        checkOutputFolder(opts.output, dirs);
        const merged = mergeRuns(dirs.map(loadRun), out);
        if (merged.unchecked && opts.gate)
          throw new UserError(`merge: ${merged.unchecked}; --gate needs shards it can check, run them again`);
        if (merged.unchecked) process.stderr.write(`kmatrix: warning: ${merged.unchecked}\n`);
        copyLogs(out, merged.logs);
        const names = [
          'events',
          'json',
          ...parseReporterList(opts.reporter).filter((n) => n !== 'events' && n !== 'json'),
        ];
        const mux = await terminalReporters(names, out, opts);
        await replayRun(mux, merged);
        process.stderr.write(
          `kmatrix: merged ${dirs.length} runs (${merged.report.summary.total} cells) into ${opts.output}\n`,
        );
        result.code = mux.failures.length ? 3 : 0;
        if (opts.gate && result.code === 0) result.code = await gateMerged(merged.report, opts);
      },
    );
}
