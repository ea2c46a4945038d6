/** `kmatrix plan FILE`: the expanded cells, their resolved Kconfig and state, without running anything. */
import type { Command } from 'commander';
import type { Plan } from '../matrix/plan-types.js';
import type { Cell } from '../matrix/types.js';
import { githubShardMatrix } from './ci-matrix.js';
import { intOption } from './options.js';
import type { CommandResult } from './main.js';
import { escapeControl } from '../util/control.js';

export function planSummary(cells: readonly Cell[]) {
  const count = (s: Cell['state']) => cells.filter((c) => c.state === s).length;
  return { total: cells.length, run: count('run'), invalid: count('invalid'), duplicate: count('duplicate') };
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
      state: c.state,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.duplicateOf ? { duplicateOf: c.duplicateOf } : {}),
    })),
    summary: planSummary(plan.cells),
  };
}

export function registerPlan(program: Command, result: CommandResult): void {
  program
    .command('plan')
    .description('expand a matrix and show its cells, resolved Kconfig and states without running them')
    .argument('<file>', 'matrix file (YAML)')
    .option('--json', 'print the plan as JSON')
    .option('--max-cells <n>', 'refuse matrices larger than this', intOption('--max-cells'))
    .option('--limit <n>', 'show at most this many cells in the table (0: all)', intOption('--limit'), 200)
    .option('--ci <system>', 'print a CI matrix for shards (github)')
    .option('--shards <n>', 'number of shards for --ci', intOption('--shards'), 4)
    .action(
      async (
        file: string,
        opts: { json?: boolean; maxCells?: number; limit: number; ci?: string; shards: number },
      ) => {
        // loaded here, not at the top: help imports every command module (start-up)
        const [{ loadPlan }, { checkCommandProgram }] = await Promise.all([
          import('../matrix/plan.js'),
          import('../run/backends/index.js'),
        ]);
        const plan = await loadPlan(file, { ...(opts.maxCells ? { maxCells: opts.maxCells } : {}) });
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
  return `${table.toString()}\n${more}${plan.name}: ${counts}\n`;
}
