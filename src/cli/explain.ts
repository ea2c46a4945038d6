/**
 * `kmatrix explain REPORT`: for each failure signature, the
 * smallest conjunction of axis values covering its failing cells.
 */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import type { CommandResult } from './main.js';
import { intOption } from './options.js';
import { escapeControl } from '../util/control.js';

export function registerExplain(program: Command, result: CommandResult): void {
  program
    .command('explain')
    .description('explain each failure signature of a run by the axis values its failing cells share')
    .argument('<report>', 'a run folder (reports/<run>) or its report.json')
    .option('--json', 'print the explanations as JSON')
    .option('--max-size <n>', 'largest conjunction searched exhaustively', intOption('--max-size', 1), 4)
    .action(async (report: string, opts: { json?: boolean; maxSize: number }) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const [{ explainReport, formatExplanation }, { parseReport, REPORT_FILE }] = await Promise.all([
        import('../bisect/explain.js'),
        import('../report/load.js'),
      ]);
      const file = await reportFile(report, REPORT_FILE);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        throw new UserError(`${report}: cannot read ${file}: ${(err as Error).message}`);
      }
      const run = parseReport(text, file);
      const explanations = explainReport(run, { maxSize: opts.maxSize });
      if (opts.json) process.stdout.write(`${JSON.stringify(explanations, null, 2)}\n`);
      else if (explanations.length === 0)
        process.stdout.write(`${escapeControl(run.matrix)}: no failures to explain\n`);
      else {
        for (const e of explanations) {
          const cells = `${e.failing} failing cell${e.failing === 1 ? '' : 's'}`;
          const what = escapeControl(formatExplanation(e), true);
          process.stdout.write(`${what}\n  ${cells}${e.exact ? ', exactly these' : ''}\n`);
        }
      }
      result.code = ExitCode.ok;
    });
}

async function reportFile(arg: string, fileName: string): Promise<string> {
  try {
    return (await stat(arg)).isDirectory() ? path.join(arg, fileName) : arg;
  } catch {
    throw new UserError(`${arg}: no such report folder or file`);
  }
}
