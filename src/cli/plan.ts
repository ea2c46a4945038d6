/** `kmatrix plan FILE`: the expanded cells, their resolved Kconfig and state, without running anything. */
import type { Command } from 'commander';
import type { Plan } from '../matrix/plan-types.js';
import type { PlanSample } from '../matrix/sample.js';
import type { Cell } from '../matrix/types.js';
import { githubShardMatrix } from './ci-matrix.js';
import { intOption, sampleOptions, sampleRequest, type SampleFlags } from './options.js';
import type { CommandResult } from './main.js';
import { escapeControl } from '../util/control.js';

export function planSummary(cells: readonly Cell[]) {
  const count = (s: Cell['state']) => cells.filter((c) => c.state === s).length;
  return { total: cells.length, run: count('run'), invalid: count('invalid'), duplicate: count('duplicate') };
}

/** Share of the coverable tuples a sample covers, in percent (100 when there are none). */
export function coveragePercent(s: PlanSample): number {
  return s.coverable === 0 ? 100 : Math.floor((1000 * s.covered) / s.coverable) / 10;
}

/** What a sample covers, in one phrase: `100% of 1234 coverable 3-tuples, 56 uncoverable`. */
export function sampleCoverage(s: PlanSample): string {
  return (
    `${coveragePercent(s)}% of ${s.coverable} coverable ${s.strength}-tuples covered, ` +
    `${s.uncoverable} uncoverable`
  );
}

/** The plan's sample, two lines of text. */
function sampleLines(s: PlanSample): string {
  return (
    `sample (strength ${s.strength}, seed ${s.seed}): ${s.cells} of ${s.fullCells} cells ` +
    `(${s.toRun} of ${s.fullToRun} to run), ${s.configurations} of ${s.fullConfigurations} ` +
    `valid configurations\n  ${s.strength}-tuples of ${s.axes.join(', ')}: ${sampleCoverage(s)} ` +
    '(no valid cell holds them)\n'
  );
}

/** The `plan --json` document. */
export function planJson(plan: Plan) {
  return {
    matrix: {
      name: plan.name,
      file: plan.file,
      ...(plan.description ? { description: plan.description } : {}),
      axes: plan.axes,
      backend: plan.backend.kind,
      history: plan.history?.name ?? null,
    },
    cells: plan.cells.map((c) => ({
      id: c.id,
      arch: c.arch,
      kconfig: c.kconfig,
      resolved: c.resolved,
      boot: c.boot,
      workload: c.workload,
      commit: c.commit,
      machine: c.machine,
      ...(c.configFile ? { configHash: c.configHash, configFile: c.configFile } : {}),
      state: c.state,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.duplicateOf ? { duplicateOf: c.duplicateOf } : {}),
    })),
    summary: planSummary(plan.cells),
    ...(plan.sample ? { sample: { ...plan.sample, coverage: coveragePercent(plan.sample) } } : {}),
  };
}

export function registerPlan(program: Command, result: CommandResult): void {
  const command = program
    .command('plan')
    .description('expand a matrix and show its cells, resolved Kconfig and states without running them')
    .argument('<file>', 'matrix file (YAML)');
  command
    .option('--json', 'print the plan as JSON')
    .option('--max-cells <n>', 'refuse matrices larger than this', intOption('--max-cells'))
    .option('--limit <n>', 'show at most this many cells in the table (0: all)', intOption('--limit'), 200)
    .option('--ci <system>', 'print a CI matrix for shards (github)')
    .option('--shards <n>', 'number of shards for --ci', intOption('--shards'), 4);
  sampleOptions(command).action(
    async (
      file: string,
      opts: SampleFlags & { json?: boolean; maxCells?: number; limit: number; ci?: string; shards: number },
    ) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const [{ loadPlan }, { checkCommandProgram }] = await Promise.all([
        import('../matrix/plan.js'),
        import('../run/backends/index.js'),
      ]);
      const sample = sampleRequest(opts);
      const plan = await loadPlan(file, {
        ...(opts.maxCells ? { maxCells: opts.maxCells } : {}),
        ...(sample !== undefined ? { sample } : {}),
      });
      checkCommandProgram(plan);
      if (opts.ci) {
        process.stdout.write(`${JSON.stringify(githubShardMatrix(opts.ci, opts.shards))}\n`);
      } else if (opts.json) {
        process.stdout.write(`${JSON.stringify(planJson(plan), null, 2)}\n`);
      } else {
        process.stdout.write(escapeControl(await renderPlanTable(plan, opts.limit), true));
      }
      result.code = 0;
    },
  );
}

async function renderPlanTable(plan: Plan, limit: number): Promise<string> {
  const { default: Table } = await import('cli-table3');
  const table = new Table({
    head: ['cell', 'state', 'reason / duplicate of'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [null, null, 60] as unknown as number[],
  });
  const shown = limit > 0 ? plan.cells.slice(0, limit) : plan.cells;
  for (const c of shown) table.push([c.id, c.state, c.reason ?? c.duplicateOf ?? '']);
  const s = planSummary(plan.cells);
  const more =
    shown.length < plan.cells.length
      ? `(${plan.cells.length - shown.length} more cells not shown; --limit 0 or --json for all)\n`
      : '';
  const counts = `${s.total} cells: ${s.run} to run, ${s.invalid} invalid, ${s.duplicate} duplicate`;
  const sample = plan.sample ? sampleLines(plan.sample) : '';
  return `${table.toString()}\n${more}${sample}${plan.name}: ${counts}\n`;
}
