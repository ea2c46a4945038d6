/**
 * `kmatrix bisect FILE --cell SEL --good REV --bad REV`: find the first bad commit of a cell,
 * (`kmatrix bisect --replay bisect.json` finds FILE, the cell and the ends in the record),
 * k commits per round on the pool, through the run engine's backend and result cache.
 * Writes <report dir>/bisect.json and prints a summary (or the JSON with --json).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption } from './options.js';
import { escapeControl } from '../util/control.js';

interface BisectOptions {
  cell?: string;
  good?: string;
  bad?: string;
  jobs?: number;
  repeat?: number;
  cache: boolean;
  reportDir?: string;
  json?: boolean;
  timeout?: number;
  replay?: string;
  signature?: string;
}

export function registerBisect(program: Command, result: CommandResult): void {
  program
    .command('bisect')
    .description(
      'find the first commit that breaks a cell: k-ary, skip-, signature- and flake-aware bisection',
    )
    .argument('[file]', 'matrix file (YAML) with a history (default with --replay: the one the record names)')
    .option(
      '--cell <selector>',
      'cell id, or axis=value pairs like arch=i386,kconfig.HIGHMEM=y (optional for one configuration)',
    )
    .option('--good <rev>', 'a commit where the cell passes (sha, tag, HEAD~n)')
    .option('--bad <rev>', 'a later commit where it fails')
    .option(
      '-j, --jobs <k>',
      'commits tested per round (k-ary search; 1 = binary search)',
      intOption('--jobs', 1),
    )
    .option(
      '--repeat <n>',
      'runs per tested commit, for flaky failures (default 1)',
      intOption('--repeat', 1),
    )
    .option('--no-cache', 'do not read or fill the result cache')
    .option('--report-dir <dir>', 'where bisect.json and the logs go (default reports/bisect-<cell>-<time>)')
    .option('--json', 'print bisect.json instead of the summary')
    .option('--timeout <duration>', 'per-run timeout (e.g. 30s, 10m)', durationOption('--timeout'))
    .option(
      '--signature <rule>',
      'which failures are the failure: report ' +
        '(default: kernel report line, else last line without numbers), ' +
        'any (git bisect run: any failure), first-line, or a regular expression',
    )
    .option('--replay <file>', 'resume or replay a bisect.json (or its log array), like git bisect replay')
    .action(async (file: string | undefined, opts: BisectOptions) => {
      result.code = await runBisect(file, opts);
    });
}

async function runBisect(fileArg: string | undefined, opts: BisectOptions): Promise<number> {
  const [{ parseReplay }, { openSession }, { bisectCommit }, { parseSignatureRule }] = await Promise.all([
    import('../bisect/replay.js'),
    import('../session/session.js'),
    import('../session/bisect.js'),
    import('../run/signature-rule.js'),
  ]);
  const signatureRule = opts.signature !== undefined ? parseSignatureRule(opts.signature) : undefined;
  const replay = opts.replay ? parseReplay(await readText(opts.replay), opts.replay) : undefined;
  const selector = opts.cell ?? replay?.cell;
  const good = opts.good ?? replay?.good;
  const bad = opts.bad ?? replay?.bad;
  const file = fileArg ?? replay?.matrix;
  if (!file)
    throw new UserError('kmatrix bisect needs a matrix FILE (or --replay with a bisect.json that names one)');
  if (!good || !bad)
    throw new UserError(
      'kmatrix bisect needs --good and --bad (or --replay with a bisect.json that names them)',
    );
  const jobs = opts.jobs ?? replay?.jobs;
  const session = await openSession(file, {
    ...opts,
    // a cell is bisected wherever it is in the matrix, in a sample: or not
    sampling: false,
    ...(jobs ? { jobs } : {}),
    ...(signatureRule ? { signatureRule } : {}),
  });
  try {
    const say = (line: string) => {
      if (!opts.json) process.stderr.write(`${escapeControl(line)}\n`);
    };
    const repeat = opts.repeat ?? replay?.repeat ?? 1;
    const out = await bisectCommit(session, {
      selector,
      good,
      bad,
      repeat,
      ...(replay ? { replay } : {}),
      say,
    });
    if (opts.json) process.stdout.write(`${JSON.stringify(out.report, null, 2)}\n`);
    else
      process.stdout.write(
        `${escapeControl(out.summary, true)}\nreport: ${path.relative(process.cwd(), out.file)}\n`,
      );
    if (session.signals.stop.aborted) return ExitCode.interrupted;
    if (out.report.refused) {
      if (!opts.json)
        process.stderr.write(`kmatrix bisect: refusing: ${escapeControl(out.report.refused)}\n`);
      return ExitCode.badInput;
    }
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(
      `--replay ${file}: cannot read it: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}
