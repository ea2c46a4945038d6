/**
 * `kmatrix config FILE --cell SEL`: the full .config of one cell of a matrix over a real kernel
 * tree, exactly as `make olddefconfig` writes it (the stored file the command backend gets as
 * KMATRIX_CONFIG_FILE). Any cell can be printed, invalid ones too: their .config shows what the
 * kernel made of the request.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { listIds, matches, parseSelector, selectCell } from '../bisect/select.js';
import { UserError } from '../errors.js';
import type { Cell } from '../matrix/types.js';
import type { CommandResult } from './main.js';

/** The cell a selector names: an id (any state), else axis=value pairs that fix one .config. */
export function configCell(cells: readonly Cell[], selector: string): Cell {
  const byId = cells.find((c) => c.id === selector);
  if (byId) return byId;
  if (!selector.includes('=')) return selectCell(cells, selector); // its "no such id" message
  const wanted = parseSelector(selector);
  const hits = cells.filter((c) => wanted.every(([a, v]) => matches(c, a, v)));
  if (hits.length === 0) return selectCell(cells, selector);
  const configs = new Map(hits.map((c) => [c.configHash, c]));
  if (configs.size > 1) {
    throw new UserError(
      `--cell ${selector} matches ${configs.size} different .configs: ${listIds([...configs.values()])} ` +
        '(add axes to the selector)',
    );
  }
  return hits[0]!;
}

export function registerConfig(program: Command, result: CommandResult): void {
  program
    .command('config')
    .description("print a cell's full .config (a matrix over a real kernel tree, kconfig.tree)")
    .argument('<file>', 'matrix file (YAML)')
    .requiredOption('--cell <selector>', 'cell id, or axis=value pairs like arch=arm,kconfig.KASAN=y')
    .action(async (file: string, opts: { cell: string }) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const { loadPlan } = await import('../matrix/plan.js');
      const plan = await loadPlan(file);
      const cell = configCell(plan.cells, opts.cell);
      if (!cell.configFile)
        throw new UserError(
          `${file}: the matrix has no kernel tree, so its cells have no .config (add kconfig: {tree: ...})`,
        );
      process.stdout.write(readFileSync(cell.configFile));
      result.code = 0;
    });
}
