/**
 * Picking the cell to bisect (pure): a cell id, or an axis selector like
 * `arch=i386,kconfig.HIGHMEM=y,boot=cma=64M` that must name one configuration (cells that
 * differ only in their commit count as one: bisection replaces the commit anyway).
 */
import { UserError } from '../errors.js';
import { formatSize, parseSize } from '../matrix/units.js';
import type { Cell } from '../matrix/types.js';
import { closest } from '../util/suggest.js';

/** Parse `a=b,c=d`; a value may itself contain '=' (boot=cma=64M). Bare symbols mean kconfig. */
export function parseSelector(selector: string): Array<[string, string]> {
  return selector
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq <= 0)
        throw new UserError(`--cell: "${part}" is not axis=value (e.g. arch=i386,kconfig.HIGHMEM=y)`);
      const key = part.slice(0, eq).trim();
      const axis =
        /^(arch|boot|workload|commit|memory|nodes)$/.test(key) || key.startsWith('kconfig.')
          ? key
          : `kconfig.${key}`;
      return [axis, part.slice(eq + 1).trim()] as [string, string];
    });
}

/** Whether a cell has `value` on `axis` (the requested, else the resolved value of a kconfig axis). */
export function matches(cell: Cell, axis: string, value: string): boolean {
  switch (axis) {
    case 'arch':
      return cell.arch === value;
    case 'boot':
      return cell.boot === value;
    case 'workload':
      return cell.workload === value;
    case 'commit':
      return cell.commit.startsWith(value) || cell.commitLabel === value;
    case 'memory':
      return cell.machine.memory === parseSize(value);
    case 'nodes':
      return String(cell.machine.nodes) === value;
    default: {
      const sym = axis.slice('kconfig.'.length);
      return (cell.kconfig[sym] ?? cell.resolved[sym]) === value;
    }
  }
}

/** The configuration of a cell without its commit. */
export function configKey(c: Cell): string {
  return JSON.stringify([c.arch, c.resolved, c.boot, c.workload, c.machine.memory, c.machine.nodes]);
}

export function selectCell(cells: readonly Cell[], selector: string): Cell {
  const runnable = cells.filter((c) => c.state === 'run');
  const byId = cells.find((c) => c.id === selector);
  if (byId) {
    if (byId.state !== 'run') {
      const reason = byId.reason ? ` (${byId.reason})` : '';
      throw new UserError(`--cell ${selector}: the cell is ${byId.state}${reason}, it cannot be run`);
    }
    return byId;
  }
  if (!selector.includes('=')) {
    const near = closest(
      selector,
      cells.map((c) => c.id),
    );
    const hint = near
      ? ` (did you mean ${near}?)`
      : ' (run "kmatrix plan FILE" to list the ids, or give axis=value pairs)';
    throw new UserError(`--cell: no cell has the id "${selector}"${hint}`);
  }
  const wanted = parseSelector(selector);
  const hits = runnable.filter((c) => wanted.every(([a, v]) => matches(c, a, v)));
  if (hits.length === 0)
    throw new UserError(
      `--cell ${selector}: no runnable cell matches (run "kmatrix plan FILE" to see the cells)`,
    );
  const configs = new Map<string, Cell>();
  for (const h of hits) if (!configs.has(configKey(h))) configs.set(configKey(h), h);
  if (configs.size > 1) {
    const ids = [...configs.values()].map((c) => c.id);
    const shown = `${ids.slice(0, 6).join(', ')}${ids.length > 6 ? ', ...' : ''}`;
    throw new UserError(
      `--cell ${selector} matches ${configs.size} configurations: ${shown} (add axes to the selector)`,
    );
  }
  return hits[0]!;
}

/** Short human description of a cell's configuration. */
export function describeCell(c: Cell): string {
  const k = Object.entries(c.kconfig).map(([s, v]) => `${s}=${v}`);
  return [
    `arch=${c.arch}`,
    ...k,
    c.boot ? `boot="${c.boot}"` : '',
    `workload=${c.workload}`,
    `memory=${formatSize(c.machine.memory)}`,
  ]
    .filter(Boolean)
    .join(' ');
}
