/** `kmatrix baseline REPORT -o FILE`: keep a run's failures as the known ones for later gates. */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InfraError, UserError } from '../errors.js';
import type { CommandResult } from './main.js';

export function registerBaseline(program: Command, result: CommandResult): void {
  program
    .command('baseline')
    .description('write a baseline (the known failures of a run) for `run --baseline`')
    .argument('<report>', 'report.json, or a report folder containing one')
    .requiredOption('-o, --output <file>', 'baseline file to write')
    .action(async (report: string, opts: { output: string }) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const [{ writeFileAtomic }, { parseBaseline }] = await Promise.all([
        import('../report/io.js'),
        import('../run/baseline.js'),
      ]);
      let file = report;
      try {
        if (statSync(report).isDirectory()) file = join(report, 'report.json');
      } catch {
        throw new UserError(`${report}: no such report`);
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        throw new UserError(`${file}: cannot read the report`);
      }
      const baseline = parseBaseline(text, file);
      try {
        writeFileAtomic(opts.output, `${JSON.stringify(baseline, null, 2)}\n`);
      } catch (err) {
        throw InfraError.cannotWrite(opts.output, err);
      }
      const n = Object.keys(baseline.failures).length;
      process.stderr.write(`baseline: ${n} failing cell${n === 1 ? '' : 's'} written to ${opts.output}\n`);
      result.code = 0;
    });
}
