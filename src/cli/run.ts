/** `kmatrix run FILE`: run every cell of a matrix, report, and gate. */
import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { availableParallelism } from 'node:os';
import { InfraError, UserError } from '../errors.js';
import { parseSize } from '../matrix/units.js';
import type { RunReport } from '../report/schema.js';
import { safeFileName } from '../run/log-files.js';
import { parseShard, type Shard } from '../run/shard.js';
import { printComparison, readBaselineFile } from './gate.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption } from './options.js';
import { terminalReporters } from './reporters.js';

interface RunFlags {
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
}

/** reports/<matrix>-<UTC timestamp>[-shard-i-of-n], made unique if a run in the same second exists. */
export function defaultReportDir(matrix: string, at: Date, shard?: Shard, cwd = process.cwd()): string {
  const stamp = at
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
  const base = join(
    cwd,
    'reports',
    `${safeFileName(matrix)}-${stamp}${shard ? `-shard-${shard.index}-of-${shard.count}` : ''}`,
  );
  let dir = base;
  for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
  return dir;
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
  program
    .command('run')
    .description('run every cell of a matrix, write the report, and exit with the CI gate status')
    .argument('<file>', 'matrix file (YAML)')
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
      'reporters, comma-separated or repeated: table, junit, markdown, html, or ./module.js (report.json and events.jsonl are always written)',
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
    .option('--bisect', 'bisect each regression (pass at one commit, fail at the next) to its culprit')
    .option(
      '--repeat <n>',
      'with --bisect: runs per tested commit (flaky regressions)',
      intOption('--repeat', 1),
    )
    .action(async (file: string, flags: RunFlags) => {
      // loaded here, not at the top: `--help` imports every command module (start-up)
      const [
        { loadPlan },
        { parseReporterList },
        { assertReportWritten, runPlan },
        { handleSignals },
        { explainReport },
      ] = await Promise.all([
        import('../matrix/plan.js'),
        import('../report/index.js'),
        import('../run/engine.js'),
        import('../run/signals.js'),
        import('../bisect/explain.js'),
      ]);
      const cacheDir = process.env.KMATRIX_CACHE_DIR
        ? resolve(process.env.KMATRIX_CACHE_DIR)
        : resolve('.kmatrix', 'cache');
      // with the cache on, history files parsed before are not parsed again (still validated)
      const yamlMemo = flags.cache
        ? new (await import('../run/yaml-memo.js')).FileYamlMemo(cacheDir)
        : undefined;
      const plan = await loadPlan(file, {
        ...(flags.maxCells ? { maxCells: flags.maxCells } : {}),
        ...(yamlMemo ? { yamlMemo } : {}),
      });
      if (flags.bisect && !plan.history)
        throw new UserError(`--bisect: ${file} has no history to bisect (add history: and commits:)`);
      const baseline = flags.baseline ? await readBaselineFile(flags.baseline) : undefined;
      const reportDir = flags.reportDir
        ? resolve(flags.reportDir)
        : defaultReportDir(plan.name, new Date(), flags.shard);
      const names = parseReporterList(flags.reporter ?? ['table']).filter(
        (n) => !(flags.json && n === 'table'),
      );
      for (const always of ['json', 'events']) if (!names.includes(always)) names.push(always);
      const mux = await terminalReporters(names, reportDir, flags);
      const signals = handleSignals(process.stderr);
      try {
        const out = await runPlan(
          plan,
          {
            ...(flags.jobs ? { jobs: flags.jobs } : {}),
            ...(flags.timeout ? { timeoutMs: flags.timeout } : {}),
            ...(flags.retries !== undefined ? { retries: flags.retries } : {}),
            ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
            ...(flags.cache ? { cacheDir } : {}),
            ...(baseline ? { baseline } : {}),
            ...(flags.shard ? { shard: flags.shard } : {}),
            ...(flags.logCap ? { logCap: flags.logCap } : {}),
            reportDir,
            strict: flags.strict === true,
            graceMs: flags.grace,
            signal: signals.stop,
            killSignal: signals.kill,
          },
          {
            reporter: mux,
            ...(flags.progress ? { progress: process.stderr } : {}),
            warn: (m) => process.stderr.write(`kmatrix: warning: ${m}\n`),
            enrich: async (report) => {
              const failing = report.cells.some((c) => c.status === 'fail' || c.status === 'flaky');
              const extra: Partial<Pick<RunReport, 'regressions' | 'explanations'>> = failing
                ? { explanations: explainReport(report) }
                : {};
              if (flags.bisect && !report.interrupted && plan.history) {
                const [{ bisectPlanRegressions }, { ResultCache }] = await Promise.all([
                  import('../bisect/driver-run.js'),
                  import('../run/cache.js'),
                ]);
                const { groups } = await bisectPlanRegressions(plan, report.cells, {
                  jobs: flags.jobs ?? plan.settings.jobs ?? availableParallelism(),
                  timeoutMs:
                    flags.timeout ??
                    (plan.backend.kind === 'command' ? plan.backend.timeoutMs : undefined) ??
                    plan.settings.timeoutMs,
                  reportDir: join(reportDir, 'bisect'),
                  ...(flags.cache ? { cache: new ResultCache(cacheDir) } : {}),
                  signal: signals.stop,
                  killSignal: signals.kill,
                  ...(flags.repeat ? { repeat: flags.repeat } : {}),
                  onWarning: (m) => process.stderr.write(`kmatrix: warning: ${m}\n`),
                });
                extra.regressions = groups;
              }
              return extra;
            },
          },
        );
        if (mux.failures.includes('json'))
          throw new InfraError(
            `could not write ${join(reportDir, 'report.json')} (see the reporter error above)`,
          );
        assertReportWritten(reportDir);
        const err = process.stderr;
        if (out.comparison) printComparison(err, out.comparison);
        if (out.report.interrupted)
          err.write(
            'kmatrix: interrupted: partial report (cells not run are left out; a re-run resumes from the cache)\n',
          );
        err.write(`report: ${relative(process.cwd(), join(reportDir, 'report.json')) || 'report.json'}\n`);
        result.code = out.exitCode;
      } finally {
        signals.dispose();
      }
    });
}
