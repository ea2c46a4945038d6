/**
 * Automatic regression bisection (`kmatrix run --bisect`): a cell configuration that passes at
 * one commit and fails at the next commit the matrix covers is a regression. Regressions are
 * grouped by signature; each group is bisected once, on its cheapest cell, and the culprit is
 * then checked on the group's other cells (fails at the culprit, passes just before it).
 */
import type { History } from '../history/types.js';
import type { Cell } from '../matrix/types.js';
import type { RegressionGroup } from '../report/schema.js';
import type { CellResult } from '../report/schema.js';
import { bisectCell, probeCell, type BisectCellOptions, type BisectReport } from './driver.js';
import { configKey } from './select.js';

export interface Regression {
  signature: string;
  /** The failing cell (at the later commit). */
  cell: Cell;
  /** Commit indices of the last passing and the first failing run of the configuration. */
  good: number;
  bad: number;
  durationMs: number;
}

/** Pass-then-fail transitions between consecutive covered commits, per configuration. */
export function findRegressions(
  cells: readonly Cell[],
  results: ReadonlyMap<string, Pick<CellResult, 'status' | 'signature' | 'durationMs'>>,
  history: History,
): Regression[] {
  const groups = new Map<string, Array<{ cell: Cell; index: number }>>();
  for (const cell of cells) {
    const index = history.index.get(cell.commit);
    const r = results.get(cell.id);
    if (cell.state !== 'run' || index === undefined || !r || (r.status !== 'pass' && r.status !== 'fail'))
      continue;
    const key = configKey(cell);
    groups.set(key, [...(groups.get(key) ?? []), { cell, index }]);
  }
  const out: Regression[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => a.index - b.index);
    for (let i = 1; i < list.length; i++) {
      const before = results.get(list[i - 1]!.cell.id)!;
      const after = results.get(list[i]!.cell.id)!;
      if (before.status === 'pass' && after.status === 'fail') {
        out.push({
          signature: after.signature ?? '(no signature)',
          cell: list[i]!.cell,
          good: list[i - 1]!.index,
          bad: list[i]!.index,
          durationMs: after.durationMs,
        });
      }
    }
  }
  return out.sort((a, b) => a.signature.localeCompare(b.signature) || a.cell.id.localeCompare(b.cell.id));
}

/** Regressions by signature; the first of each group is the cheapest cell (shortest run, then id). */
export function groupRegressions(regressions: readonly Regression[]): Regression[][] {
  const groups = new Map<string, Regression[]>();
  for (const r of regressions) groups.set(r.signature, [...(groups.get(r.signature) ?? []), r]);
  return [...groups.values()].map((g) =>
    [...g].sort((a, b) => a.durationMs - b.durationMs || a.cell.id.localeCompare(b.cell.id)),
  );
}

export interface BisectRegressionsOptions extends Pick<
  BisectCellOptions,
  'jobs' | 'repeat' | 'run' | 'signal' | 'search' | 'onRound'
> {
  history: History;
  /** Revert check of a group's culprit on its bisected cell. */
  verify?(cell: Cell, culprit: number, bad: number): Promise<boolean | null>;
}

/** Bisect each regression group once and check the culprit on its other cells. */
export async function bisectRegressions(
  regressions: readonly Regression[],
  o: BisectRegressionsOptions,
): Promise<{ groups: RegressionGroup[]; reports: BisectReport[] }> {
  const groups: RegressionGroup[] = [];
  const reports: BisectReport[] = [];
  for (const group of groupRegressions(regressions)) {
    if (o.signal?.aborted) break;
    const head = group[0]!;
    const report = await bisectCell({
      cell: head.cell,
      history: o.history,
      good: head.good,
      bad: head.bad,
      jobs: o.jobs,
      ...(o.repeat !== undefined ? { repeat: o.repeat } : {}),
      ...(o.search ? { search: o.search } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onRound ? { onRound: o.onRound } : {}),
      run: o.run,
      ...(o.verify ? { verify: (culprit: number) => o.verify!(head.cell, culprit, head.bad) } : {}),
    });
    reports.push(report);
    const culprit = report.culprit ? o.history.index.get(report.culprit.sha)! : undefined;
    const confirmedOn =
      culprit === undefined ? [] : await confirmOn(group.slice(1), culprit, head.signature, o);
    groups.push({
      signature: head.signature,
      cells: group.map((r) => r.cell.id),
      culprit: report.culprit,
      candidates: report.candidates,
      ...(report.verified !== null ? { verified: report.verified } : {}),
      confirmedOn: culprit === undefined ? [] : [head.cell.id, ...confirmedOn],
    });
  }
  return { groups, reports };
}

/** Cells of the group whose range holds the culprit and that fail at it and pass just before it. */
async function confirmOn(
  others: readonly Regression[],
  culprit: number,
  signature: string,
  o: BisectRegressionsOptions,
): Promise<string[]> {
  const checkable = others.filter((r) => r.good < culprit && culprit <= r.bad);
  if (checkable.length === 0) return [];
  const probes = checkable.flatMap((r) => [
    { cell: probeCell(r.cell, o.history, culprit, 0), index: culprit, rep: 0 },
    { cell: probeCell(r.cell, o.history, culprit - 1, 0), index: culprit - 1, rep: 0 },
  ]);
  const results = new Map((await o.run(probes, -1)).map((r) => [r.id, r]));
  return checkable
    .filter((r, i) => {
      const at = results.get(probes[2 * i]!.cell.id);
      const before = results.get(probes[2 * i + 1]!.cell.id);
      return at?.status === 'fail' && at.signature === signature && before?.status === 'pass';
    })
    .map((r) => r.cell.id);
}
