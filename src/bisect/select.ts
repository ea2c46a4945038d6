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

/** The fixed axes a selector may name besides kconfig.<SYM>. */
const AXES = ['arch', 'boot', 'workload', 'commit', 'memory', 'nodes'];

/** The values a selector's axis takes over the cells, as it would spell them. */
function valuesOf(cells: readonly Cell[], axis: string): Set<string> {
  const out = new Set<string>();
  for (const c of cells) {
    if (axis === 'commit') out.add(c.commitLabel);
    else if (axis === 'memory') out.add(formatSize(c.machine.memory));
    else if (axis === 'nodes') out.add(String(c.machine.nodes));
    else if (axis === 'arch' || axis === 'boot' || axis === 'workload') out.add(c[axis]);
    else {
      const sym = axis.slice('kconfig.'.length);
      const v = c.kconfig[sym] ?? c.resolved[sym];
      if (v !== undefined) out.add(v);
    }
  }
  return out;
}

/** An axis no cell has: a located did-you-mean over the axis names and Kconfig symbols. */
function checkAxis(cells: readonly Cell[], axis: string, key: string): void {
  if (AXES.includes(axis) || valuesOf(cells, axis).size > 0) return;
  const syms = new Set(cells.flatMap((c) => Object.keys(c.kconfig)));
  const near = closest(key, [...AXES, ...[...syms].map((s) => `kconfig.${s}`), ...syms]);
  const hint = near ? ` (did you mean ${near}?)` : `; axes: ${[...AXES, ...syms].join(', ')}`;
  throw new UserError(`--cell: no axis or Kconfig symbol "${key}"${hint}`);
}

/** Why nothing matches: a value no cell has (with a did-you-mean), or the combination. */
function noMatch(cells: readonly Cell[], selector: string, wanted: Array<[string, string]>): UserError {
  for (const [axis, value] of wanted) {
    if (cells.some((c) => matches(c, axis, value))) continue;
    const values = [...valuesOf(cells, axis)];
    const near = closest(value, values);
    const hint = near ? `did you mean ${axis}=${near}?` : `values: ${values.slice(0, 8).join(', ')}`;
    return new UserError(`--cell: no cell has ${axis}=${value} (${hint})`);
  }
  return new UserError(
    `--cell ${selector}: no runnable cell matches (run "kmatrix plan FILE" to see the cells)`,
  );
}

/** Runnable cells by configuration (the commit aside), one cell standing for each. */
function configurations(cells: readonly Cell[]): Cell[] {
  const configs = new Map<string, Cell>();
  for (const c of cells) if (!configs.has(configKey(c))) configs.set(configKey(c), c);
  return [...configs.values()];
}

/** The first few ids of `cells`, for a message. */
export const listIds = (cells: readonly Cell[]) =>
  `${cells
    .slice(0, 6)
    .map((c) => c.id)
    .join(', ')}${cells.length > 6 ? ', ...' : ''}`;

/**
 * The cell a selector names; without a selector, the matrix's only runnable configuration
 * (a matrix of one configuration over several commits needs no --cell).
 */
export function selectCell(cells: readonly Cell[], selector: string | undefined): Cell {
  const runnable = cells.filter((c) => c.state === 'run');
  if (selector === undefined) {
    const configs = configurations(runnable);
    if (configs.length === 1) return configs[0]!;
    throw new UserError(
      configs.length === 0
        ? '--cell: the matrix has no runnable cell'
        : `--cell is needed: the matrix has ${configs.length} runnable configurations: ${listIds(configs)}`,
    );
  }
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
  // the keys as typed (a bare symbol stands for kconfig.<SYM>), in parseSelector's order
  const keys = selector.split(',').flatMap((p) => (p.trim() ? [p.slice(0, p.indexOf('=')).trim()] : []));
  wanted.forEach(([axis], i) => checkAxis(cells, axis, keys[i]!));
  const hits = runnable.filter((c) => wanted.every(([a, v]) => matches(c, a, v)));
  if (hits.length === 0) throw noMatch(cells, selector, wanted);
  const configs = configurations(hits);
  if (configs.length > 1)
    throw new UserError(
      `--cell ${selector} matches ${configs.length} configurations: ${listIds(configs)} ` +
        '(add axes to the selector)',
    );
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
