/**
 * `kmatrix bisect-config FILE --good CELL --bad CELL`: the minimal set of differences between
 * a passing and a failing cell at the same commit that makes it fail (ddmin with Kconfig
 * resolution in the loop: candidates that do not resolve are skipped, as ktest does).
 */
import type { Command } from 'commander';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { Difference } from '../bisect/config-search.js';
import { ExitCode, InfraError, UserError } from '../errors.js';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import type { CellResult } from '../report/schema.js';
import type { Backend } from '../run/types.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption } from './options.js';

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
  const [
    { loadPlan },
    { ResultCache },
    { runPool },
    { applyDifferences, cellDifferences, ddmin, describeDifference, describeMinimal },
    { describeCell, selectCell },
    { resolveKconfig },
    { writeFileAtomic },
  ] = await Promise.all([
    import('../matrix/plan.js'),
    import('../run/cache.js'),
    import('../run/pool.js'),
    import('../bisect/config-search.js'),
    import('../bisect/select.js'),
    import('../kconfig/declared.js'),
    import('../report/io.js'),
  ]);
  /** The candidate cell for a subset of the differences, or undefined when its Kconfig does not resolve. */
  const candidateCell = (
    plan: Plan,
    good: Cell,
    diffs: readonly Difference[],
    n: number,
  ): Cell | undefined => {
    const base = applyDifferences(good, diffs);
    const idx = plan.history?.index.get(base.commit);
    const names = idx !== undefined ? plan.history!.stateAt(idx).symbolNames : undefined;
    const res = resolveKconfig(base.arch, base.kconfig, (s) => !names || names[s] !== null);
    if (res.reasons.length) return undefined;
    return { ...base, id: `${good.id}+candidate-${n}`, resolved: res.resolved, state: 'run' };
  };
  const plan = await loadPlan(file);
  const good = selectCell(plan.cells, opts.good);
  const bad = selectCell(plan.cells, opts.bad);
  if (good.commit !== bad.commit)
    throw new UserError(
      `--good and --bad must be at the same commit (${good.commitLabel} vs ${bad.commitLabel}); use "kmatrix bisect" across commits`,
    );
  const diffs = cellDifferences(good, bad);
  if (diffs.length === 0)
    throw new UserError(`--good ${good.id} and --bad ${bad.id} have the same configuration`);
  const jobs = opts.jobs ?? plan.settings.jobs ?? availableParallelism();
  const timeoutMs =
    opts.timeout ??
    (plan.backend.kind === 'command' ? plan.backend.timeoutMs : undefined) ??
    plan.settings.timeoutMs;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportDir = path.resolve(opts.reportDir ?? path.join('reports', `bisect-config-${stamp}`));
  const cache = opts.cache ? new ResultCache(path.resolve('.kmatrix', 'cache')) : undefined;
  const backend: Backend =
    plan.backend.kind === 'sim'
      ? new (await import('../run/backends/sim.js')).SimBackend({
          ...(plan.history ? { history: plan.history } : {}),
          seed: plan.settings.seed,
          workers: 0,
        })
      : new (await import('../run/backends/command.js')).CommandBackend(plan.backend, {
          baseDir: plan.dir,
          jobs,
        });
  const run = async (cells: Cell[]): Promise<CellResult[]> =>
    (await runPool(cells, { backend, ...(cache ? { cache } : {}), jobs, timeoutMs, retries: 0, reportDir }))
      .results;
  const say = (line: string) => {
    if (!opts.json) process.stderr.write(`${line}\n`);
  };
  try {
    say(
      `good: ${good.id} (${describeCell(good)})\nbad:  ${bad.id} (${describeCell(bad)})\n${diffs.length} differences: ${diffs.map(describeDifference).join(', ')}`,
    );
    const [g, b] = await run([good, bad]);
    if (g?.status !== 'pass')
      throw new UserError(
        `--good ${good.id} does not pass (${g?.status ?? 'not run'}${g?.signature ? `: ${g.signature}` : ''})`,
      );
    if (b?.status !== 'fail')
      throw new UserError(`--bad ${bad.id} does not fail (${b?.status ?? 'not run'})`);
    const signature = b.signature;
    let n = 0;
    const result = await ddmin(diffs, {
      resolves: (subset) => candidateCell(plan, good, subset, 0) !== undefined,
      fails: async (subsets) => {
        const cells = subsets.map((s) => candidateCell(plan, good, s, ++n)!);
        say(
          `testing ${cells.length} candidate${cells.length === 1 ? '' : 's'}: ${subsets.map((s) => `{${s.map(describeDifference).join(', ')}}`).join(' ')}`,
        );
        const results = new Map((await run(cells)).map((r) => [r.id, r]));
        return cells.map((c) => {
          const r = results.get(c.id);
          return r?.status === 'fail' && r.signature === signature;
        });
      },
    });
    const out = {
      good: good.id,
      bad: bad.id,
      commit: good.commit,
      signature,
      differences: diffs.map(describeDifference),
      minimal: result.minimal.map(describeDifference),
      description: describeMinimal(result.minimal),
      tests: result.tests + 2,
      unresolved: result.unresolved,
    };
    try {
      writeFileAtomic(path.join(reportDir, 'bisect-config.json'), `${JSON.stringify(out, null, 2)}\n`);
    } catch (err) {
      throw InfraError.cannotWrite(path.join(reportDir, 'bisect-config.json'), err);
    }
    if (opts.json) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    else {
      process.stdout.write(`${out.description}${signature ? `: ${signature}` : ''}\n`);
      process.stdout.write(
        `${out.tests} tests, ${out.unresolved} candidate${out.unresolved === 1 ? '' : 's'} skipped (Kconfig did not resolve)\n`,
      );
    }
    return ExitCode.ok;
  } finally {
    await backend.close?.();
  }
}
