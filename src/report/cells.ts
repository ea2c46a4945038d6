/** Pure helpers over CellResult lists: axis values, pivots, signature groups. */
import type { CellResult, Status } from './schema.js';
import { PROBLEM_STATUSES } from './summary.js';

/** One symbol per status, single-width so tables stay aligned. */
export const STATUS_SYMBOL: Record<Status, string> = {
  pass: '✓',
  fail: '✗',
  flaky: '~',
  skip: '-',
  invalid: '∅',
  duplicate: '=',
  error: '!',
  timeout: 'T',
};

/** Default pivot: rows arch x boot x workload, columns the kconfig combination. */
export const DEFAULT_ROWS = ['arch', 'boot', 'workload'];
export const DEFAULT_COLS = ['kconfig'];

/**
 * The value of one axis for a cell: arch, boot, workload, commit, memory, nodes, kconfig.<SYM>,
 * resolved.<SYM>.
 */
export function axisValue(cell: CellResult, axis: string): string {
  switch (axis) {
    case 'arch':
      return cell.arch;
    case 'boot':
      return cell.boot;
    case 'workload':
      return cell.workload;
    case 'commit':
      return cell.commit;
    case 'memory':
      return cell.machine ? formatBytes(cell.machine.memory) : '';
    case 'nodes':
      return cell.machine ? String(cell.machine.nodes) : '';
    case 'status':
      return cell.status;
  }
  if (axis.startsWith('kconfig.')) return cell.kconfig[axis.slice(8)] ?? '';
  if (axis.startsWith('resolved.')) return cell.resolved[axis.slice(9)] ?? '';
  return '';
}

export function formatBytes(n: number): string {
  const units = ['', 'K', 'M', 'G', 'T'];
  let i = 0;
  while (i < units.length - 1 && n >= 1024 && n % 1024 === 0) {
    n /= 1024;
    i++;
  }
  return `${n}${units[i]}`;
}

/** Axes present in a list of cells, in the canonical order, when no plan says. */
export function deriveAxes(cells: readonly CellResult[]): string[] {
  const syms = new Set<string>();
  for (const c of cells) for (const k of Object.keys(c.kconfig)) syms.add(k);
  const axes = ['arch', ...[...syms].map((s) => `kconfig.${s}`), 'boot', 'workload'];
  if (cells.some((c) => c.machine)) axes.push('memory', 'nodes');
  axes.push('commit');
  return axes;
}

/** Expand `kconfig` to every kconfig.* axis and drop names that are not axes of the run. */
export function expandAxes(names: readonly string[], axes: readonly string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    const expanded = n === 'kconfig' ? axes.filter((a) => a.startsWith('kconfig.')) : [n];
    for (const a of expanded) if (!out.includes(a)) out.push(a);
  }
  return out;
}

/** A pivot: distinct row keys and column keys (in first-seen order) and the cells at each position. */
export interface Pivot {
  rowAxes: string[];
  colAxes: string[];
  rows: string[][];
  cols: string[][];
  /** `${row index},${col index}` -> cells at that position (several when an axis is on neither side). */
  at: Map<string, CellResult[]>;
}

export function pivot(cells: readonly CellResult[], rowAxes: string[], colAxes: string[]): Pivot {
  const rowIndex = new Map<string, number>();
  const colIndex = new Map<string, number>();
  const rows: string[][] = [];
  const cols: string[][] = [];
  const at = new Map<string, CellResult[]>();
  const indexOf = (key: string[], index: Map<string, number>, list: string[][]) => {
    const k = JSON.stringify(key);
    let i = index.get(k);
    if (i === undefined) {
      i = list.length;
      index.set(k, i);
      list.push(key);
    }
    return i;
  };
  for (const c of cells) {
    const r = indexOf(
      rowAxes.map((a) => axisValue(c, a)),
      rowIndex,
      rows,
    );
    const k = indexOf(
      colAxes.map((a) => axisValue(c, a)),
      colIndex,
      cols,
    );
    const pos = `${r},${k}`;
    const list = at.get(pos);
    if (list) list.push(c);
    else at.set(pos, [c]);
  }
  return { rowAxes, colAxes, rows, cols, at };
}

/** Failing cells grouped by signature, biggest group first; cells without one under "(no signature)". */
export interface SignatureGroup {
  signature: string;
  cells: CellResult[];
}

export function groupBySignature(
  cells: readonly CellResult[],
  statuses: readonly Status[] = PROBLEM_STATUSES,
): SignatureGroup[] {
  const groups = new Map<string, CellResult[]>();
  for (const c of cells) {
    if (!statuses.includes(c.status)) continue;
    const sig = c.signature ?? `(no signature: ${c.status})`;
    const list = groups.get(sig);
    if (list) list.push(c);
    else groups.set(sig, [c]);
  }
  // real failures before timeouts, errors and flakes; bigger groups first
  const rank = (g: SignatureGroup) => statuses.indexOf(g.cells[0]!.status);
  return [...groups]
    .map(([signature, list]) => ({ signature, cells: list }))
    .sort((a, b) => rank(a) - rank(b) || b.cells.length - a.cells.length);
}
