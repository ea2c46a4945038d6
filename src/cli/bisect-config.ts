/**
 * `kmatrix bisect-config FILE --good CELL --bad CELL`: the minimal set of differences between
 * a passing and a failing cell at the same commit that makes it fail (ddmin with Kconfig
 * resolution in the loop: candidates that do not resolve are skipped, as ktest does).
 */
import type { Command } from 'commander';
import { ExitCode } from '../errors.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption } from './options.js';
import { escapeControl } from '../util/control.js';

interface Options {
  good: string;
  bad: string;
  jobs?: number;
  cache: boolean;
  reportDir?: string;
  json?: boolean;
  timeout?: number;
}

export function registerBisectConfig(program: Command, result: CommandResult): void {
  program
    .command('bisect-config')
    .description(
      'find the minimal configuration difference (Kconfig, boot parameters, machine) that makes a cell fail',
    )
    .argument('<file>', 'matrix file (YAML)')
    .requiredOption('--good <cell>', 'a passing cell: id or axis=value pairs')
    .requiredOption('--bad <cell>', 'a failing cell at the same commit')
    .option('-j, --jobs <n>', 'candidates run at once', intOption('--jobs', 1))
    .option('--no-cache', 'do not read or fill the result cache')
    .option('--report-dir <dir>', 'where bisect-config.json and the logs go')
    .option('--json', 'print the result as JSON')
    .option('--timeout <duration>', 'per-run timeout', durationOption('--timeout'))
    .action(async (file: string, opts: Options) => {
      result.code = await runBisectConfig(file, opts);
    });
}

async function runBisectConfig(file: string, opts: Options): Promise<number> {
  // loaded here, not at the top: every command module is imported for every command (start-up)
  const [{ openSession }, { bisectConfig }] = await Promise.all([
    import('../session/session.js'),
    import('../session/bisect-config.js'),
  ]);
  // the cell's configuration is searched over the whole matrix, in a sample: or not
  const session = await openSession(file, { ...opts, sampling: false });
  try {
    const say = (line: string) => {
      if (!opts.json) process.stderr.write(`${escapeControl(line)}\n`);
    };
    const { report } = await bisectConfig(session, { good: opts.good, bad: opts.bad, say });
    if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const { description, signature, tests, unresolved } = report;
      process.stdout.write(`${escapeControl(`${description}${signature ? `: ${signature}` : ''}`)}\n`);
      const skipped = `${unresolved} candidate${unresolved === 1 ? '' : 's'} skipped`;
      process.stdout.write(`${tests} tests, ${skipped} (Kconfig did not resolve)\n`);
    }
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}
