/**
 * What a pivot position stacks (pure): the axes on neither side of the pivot whose values vary
 * within a position (commits, memory sizes...). Each position lays its cells out in one order,
 * the same for every position, so the n-th symbol means the same commit everywhere and a legend
 * can say which.
 */
import { axisValue, type Pivot } from './cells.js';
import type { CellResult, CommitInfo } from './schema.js';
import { shortSha } from '../util/sha.js';

/** The stacked axes, outermost first, and each one's values in display order. */
export interface Stack {
  axes: string[];
  values: Map<string, string[]>;
  /** Positions per pivot cell: the product of the axes' value counts. */
  slots: number;
}

/** Shas in history order when the report lists its commits (else as given). */
export function historyOrder(shas: readonly string[], commits?: readonly CommitInfo[]): string[] {
  if (!commits?.length) return [...shas];
  const rank = new Map(commits.map((c, i) => [c.sha, i]));
  return [...shas].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
}

/** Values of an axis in first-seen order; commits in history order when the report lists them. */
function orderedValues(
  cells: readonly CellResult[],
  axis: string,
  commits?: readonly CommitInfo[],
): string[] {
  const seen = [...new Set(cells.map((c) => axisValue(c, axis)))];
  return axis === 'commit' ? historyOrder(seen, commits) : seen;
}

/** The axes that vary inside at least one position of the pivot. */
export function stackOf(
  cells: readonly CellResult[],
  axes: readonly string[],
  p: Pivot,
  commits?: readonly CommitInfo[],
): Stack {
  const aside = axes.filter((a) => !p.rowAxes.includes(a) && !p.colAxes.includes(a));
  const stacked = aside.filter((a) =>
    [...p.at.values()].some((list) => new Set(list.map((c) => axisValue(c, a))).size > 1),
  );
  const values = new Map(stacked.map((a) => [a, orderedValues(cells, a, commits)]));
  const slots = stacked.reduce((n, a) => n * values.get(a)!.length, 1);
  return { axes: stacked, values, slots };
}

/**
 * A position's cells in the stack's slots (outer axis first); an empty slot is a combination
 * with no cell here. Without stacked axes, one slot holds them all.
 */
export function arrange(cells: readonly CellResult[], stack: Stack): CellResult[][] {
  if (stack.axes.length === 0) return [[...cells]];
  const slots: CellResult[][] = Array.from({ length: stack.slots }, () => []);
  for (const c of cells) {
    let i = 0;
    for (const a of stack.axes) {
      const vs = stack.values.get(a)!;
      i = i * vs.length + vs.indexOf(axisValue(c, a));
    }
    slots[i]!.push(c);
  }
  return slots;
}

/** How a commit is named: its short sha, with its tags. */
export function commitLabel(sha: string, commits?: readonly CommitInfo[]): string {
  const info = commits?.find((c) => c.sha === sha);
  const short = shortSha(sha);
  return info?.tags.length ? `${short} (${info.tags.join(', ')})` : short;
}

/**
 * The legend line: "stacked left to right in each position: commit a (v1), b, c (v2)"; with
 * several axes, the outer one first ("...: memory 1G, 2G; within each, commit ...").
 */
export function stackLegend(
  stack: Stack,
  show: (axis: string, value: string) => string,
  commits?: readonly CommitInfo[],
): string | undefined {
  if (stack.axes.length === 0) return undefined;
  const parts = stack.axes.map((a) => {
    const vs = stack.values.get(a)!.map((v) => (a === 'commit' ? commitLabel(v, commits) : show(a, v)));
    return `${a.replace(/^kconfig\./, '')} ${vs.join(', ')}`;
  });
  return `stacked left to right in each position: ${parts.join('; within each, ')}`;
}
