/** `kmatrix run FILE`: run every cell of a matrix, report, and gate. */
import { join, relative } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { UserError } from '../errors.js';
import { parseSize } from '../matrix/units.js';
import { parseShard, type Shard } from '../run/shard.js';
import { printComparison, readBaselineFile } from './gate.js';
import type { EngineResult } from '../run/engine.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption, sampleOptions, sampleRequest, type SampleFlags } from './options.js';
import { terminalReporters } from './reporters.js';

interface RunFlags extends SampleFlags {
  jobs?: number;
  cache: boolean;
  reportDir?: string;
  json?: boolean;
  retries?: number;
  timeout?: number;
  strict?: boolean;
  baseline?: string;
  reporter?: string[];
  shard?: Shard;
  maxCells?: number;
  rows?: string;
  cols?: string;
  seed?: number;
  grace: number;
  logCap?: number;
  progress: boolean;
  bisect?: boolean;
  repeat?: number;
  verifyCache?: number;
}

function sizeOption(name: string) {
  return (value: string): number => {
    const n = parseSize(value);
    if (n === undefined)
      throw new InvalidArgumentError(`${name} needs a size like 10M or 1G, got "${value}"`);
    return n;
  };
}

export function registerRun(program: Command, result: CommandResult): void {
  const command = program
    .command('run')
    .description('run every cell of a matrix, write the report, and exit with the CI gate status')
    .argument('<file>', 'matrix file (YAML)');
  command
    .option('-j, --jobs <n>', 'cells at once (default: the number of cores)', intOption('--jobs', 1))
    .option('--no-cache', 'ignore and do not fill the result cache (.kmatrix/cache)')
    .option('--report-dir <dir>', 'where report.json and logs go (default reports/<matrix>-<timestamp>)')
    .option('--json', 'print report.json on stdout instead of the table')
    .option(
      '--retries <n>',
      're-run a failing cell up to n times (fail then pass = flaky)',
      intOption('--retries'),
    )
    .option('--timeout <duration>', 'per-cell timeout, e.g. 30s or 10m', durationOption('--timeout'))
    .option('--strict', 'flaky cells fail the gate too')
    .option('--baseline <file>', 'fail only on failures not in this baseline (or earlier report.json)')
    .option(
      '--reporter <list>',
      'reporters, comma-separated or repeated: table, junit, markdown, html, kcidb, or ./module.js ' +
        '(report.json and events.jsonl are always written)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--shard <i/n>', 'run the i-th of n deterministic shards', parseShard)
    .option('--max-cells <n>', 'refuse matrices larger than this', intOption('--max-cells', 1))
    .option('--rows <axes>', 'table rows, comma-separated axes (default arch,boot,workload)')
    .option('--cols <axes>', 'table columns, comma-separated axes (default kconfig)')
    .option('--seed <n>', 'seed of the simulator (injected flakes)', intOption('--seed'))
    .option(
      '--grace <duration>',
      'after Ctrl-C, how long running cells may finish',
      durationOption('--grace'),
      10_000,
    )
    .option(
      '--log-cap <size>',
      'output kept per command attempt (head and tail), e.g. 10M',
      sizeOption('--log-cap'),
    )
    .option('--no-progress', 'no progress line on stderr')
    .option(
      '--verify-cache <n>',
      're-run n cached cells and fail (exit 3) when one differs from its entry',
      intOption('--verify-cache', 1),
    )
    .option('--bisect', 'bisect each regression (pass at one commit, fail at the next) to its culprit')
    .option(
      '--repeat <n>',
      'with --bisect: runs per tested commit (flaky regressions)',
      intOption('--repeat', 1),
    );
  sampleOptions(command).action(async (file: string, flags: RunFlags) => {
    result.code = await runCommand(file, flags);
  });
}

async function runCommand(file: string, flags: RunFlags): Promise<number> {
  // loaded here, not at the top: `--help` imports every command module (start-up)
  const [{ openSession }, { runMatrix }, { parseReporterList }] = await Promise.all([
    import('../session/session.js'),
    import('../session/run.js'),
    import('../report/index.js'),
  ]);
  const sampling = sampleRequest(flags);
  const session = await openSession(file, { ...flags, ...(sampling !== undefined ? { sampling } : {}) });
  try {
    if (flags.verifyCache && !session.cache)
      throw new UserError('--verify-cache checks the result cache: it cannot go with --no-cache');
    if (flags.bisect && !session.plan.history)
      throw new UserError(`--bisect: ${file} has no history to bisect (add history: and commits:)`);
    const baseline = flags.baseline ? await readBaselineFile(flags.baseline) : undefined;
    const reportDir = session.reportDir({
      command: 'run',
      matrix: session.plan.name,
      ...(flags.shard ? { shard: flags.shard } : {}),
    });
    const names = parseReporterList(flags.reporter ?? ['table']).filter(
      (n) => !(flags.json && n === 'table'),
    );
    for (const always of ['json', 'events']) if (!names.includes(always)) names.push(always);
    const out = await runMatrix(session, {
      reporter: await terminalReporters(names, reportDir, flags),
      ...(baseline ? { baseline } : {}),
      ...(flags.shard ? { shard: flags.shard } : {}),
      ...(flags.bisect ? { bisect: { repeat: flags.repeat ?? 1 } } : {}),
      ...(flags.progress ? { progress: process.stderr } : {}),
      ...(flags.verifyCache ? { verifyCache: flags.verifyCache } : {}),
    });
    const err = process.stderr;
    if (out.comparison) printComparison(err, out.comparison);
    if (out.verification) printVerification(err, out.verification);
    const s = out.report.summary;
    // every cell invalid or a duplicate (or an empty shard): a clear line, not a silent green run
    if (!out.report.interrupted && s.executed + s.cached === 0 && s.total === s.invalid + s.duplicate)
      err.write(
        s.total === 0
          ? `kmatrix: no cell ran: this shard of ${file} has no cells\n`
          : `kmatrix: no cell ran: ${s.total === 1 ? 'the 1 cell is' : `all ${s.total} cells are`} ` +
              `invalid or a duplicate (kmatrix plan ${file} shows why)\n`,
      );
    const sample = session.plan.sample;
    if (sample) {
      const { sampleCoverage } = await import('./plan.js');
      const shard = flags.shard ? `shard ${flags.shard.index}/${flags.shard.count} of ` : '';
      err.write(
        `kmatrix: ran ${shard}a sample of ${sample.cells} of ${sample.fullCells} cells ` +
          `(strength ${sample.strength}, seed ${sample.seed}: ${sampleCoverage(sample)})\n`,
      );
    }
    if (out.report.interrupted)
      err.write(
        'kmatrix: interrupted: partial report ' +
          '(cells not run are left out; a re-run resumes from the cache)\n',
      );
    err.write(`report: ${relative(process.cwd(), join(reportDir, 'report.json')) || 'report.json'}\n`);
    return out.exitCode;
  } finally {
    await session.close();
  }
}

function printVerification(err: NodeJS.WritableStream, v: NonNullable<EngineResult['verification']>): void {
  const said = (r: { status: string; signature?: string }) =>
    r.signature === undefined ? r.status : `${r.status} (${r.signature})`;
  if (v.mismatches.length === 0) {
    err.write(`kmatrix: --verify-cache: ${v.checked} cached cells re-run, all as cached\n`);
    return;
  }
  err.write(
    `kmatrix: error: --verify-cache: ${v.mismatches.length} of ${v.checked} cached cells differ ` +
      'when re-run ' +
      '(the cache is not to be trusted: remove it or the entries of these cells):\n',
  );
  for (const m of v.mismatches) err.write(`  ${m.id}: cached ${said(m.cached)}, re-run ${said(m.rerun)}\n`);
}
