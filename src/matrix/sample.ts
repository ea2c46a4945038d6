/**
 * `sample:` in a matrix (`--sample t`): the plan keeps a covering array of strength t of its
 * configurations (src/sample) instead of every cell, so that every t-tuple of axis values some
 * valid cell holds is held by a kept cell. Validity is the plan's own: a configuration is valid
 * when exclude left one of its cells and that cell's Kconfig resolves (state not `invalid`).
 *
 * The commit axis is not sampled: a kept configuration keeps its cell at every commit, so a
 * regression (pass at one commit, fail at the next) stays visible to `run --bisect`. Cells an
 * include adds off the grid (a value no axis has) are always kept, and so is the configuration
 * of an include that gives every sampled axis a value.
 */
import { coveringArray, type PartialRow, type Row } from '../sample/index.js';
import { remarkDuplicates } from './duplicates.js';
import type { AxisValue, Combination } from './expand.js';
import type { Cell } from './types.js';

/** The covering array a plan is cut to. */
export interface SampleSpec {
  strength: number;
  seed: number;
}

/** A sampled plan's sample: what `plan` and `run` report. */
export interface PlanSample extends SampleSpec {
  /** The axes the covering array is over: every axis of the matrix but commit. */
  axes: string[];
  /** Cells kept and cells of the whole plan (every state). */
  cells: number;
  fullCells: number;
  /** Of those, cells to run (state `run`). */
  toRun: number;
  fullToRun: number;
  /** Configurations (cells without their commit) kept, and valid ones of the whole plan. */
  configurations: number;
  fullConfigurations: number;
  /** t-tuples some valid configuration holds, and how many of them a kept cell holds. */
  coverable: number;
  covered: number;
  /** t-tuples no valid configuration holds: not required, counted. */
  uncoverable: number;
  /** Configurations kept because an include names them, and off-grid cells kept. */
  required: number;
  offGrid: number;
}

type Axes = ReadonlyArray<readonly [string, readonly AxisValue[]]>;

/** The axes a sample is over: all but commit (each kept configuration runs at every commit). */
export function sampledAxes(axes: Axes): Axes {
  return axes.filter(([name]) => name !== 'commit');
}

export interface SampleInput {
  /** The matrix's axes in product order, with the values cells hold (sizes in bytes, shas). */
  axes: Axes;
  /** The expanded combinations, one per cell, in the cells' order. */
  combos: readonly Combination[];
  cells: readonly Cell[];
  /** The include entries, flattened as for expansion. */
  include: readonly Combination[];
  spec: SampleSpec;
}

interface Configuration {
  row: Row;
  cells: number[];
  valid: boolean;
}

/** The kept cells, in plan order, and what the sample covers. */
export function samplePlan(input: SampleInput): { cells: Cell[]; sample: PlanSample } {
  const { combos, cells, spec } = input;
  const grid = sampledAxes(input.axes);
  const levels = grid.map(([, values]) => values.length);
  const rowOf = (c: Combination): Row | undefined => {
    const row: Row = [];
    for (const [name, values] of grid) {
      const v = c[name];
      const i = v === undefined ? -1 : values.indexOf(v);
      if (i < 0) return undefined;
      row.push(i);
    }
    return row;
  };
  const configurations = new Map<string, Configuration>();
  const offGrid: number[] = [];
  combos.forEach((combo, i) => {
    const row = rowOf(combo);
    if (!row) return void offGrid.push(i);
    const key = row.join(',');
    const conf = configurations.get(key) ?? { row, cells: [], valid: false };
    conf.cells.push(i);
    conf.valid ||= cells[i]!.state !== 'invalid';
    configurations.set(key, conf);
  });
  const valid = [...configurations.values()].filter((c) => c.valid);
  const required = input.include
    .map(rowOf)
    .filter((row): row is Row => row !== undefined && configurations.get(row.join(','))?.valid === true);
  const everyRow = valid.length === levels.reduce((n, l) => n * l, 1);
  const validity = everyRow
    ? {}
    : {
        valid: validRows(
          levels,
          valid.map((c) => c.row),
        ),
      };
  const result = coveringArray(levels, spec.strength, { seed: spec.seed, required, ...validity });

  const keep = new Set(offGrid);
  for (const row of result.rows) for (const i of configurations.get(row.join(','))!.cells) keep.add(i);
  const kept = cells.filter((_, i) => keep.has(i));
  const toRun = (list: readonly Cell[]) => list.filter((c) => c.state === 'run').length;
  // counted before the kept cells (the same objects) are marked again
  const fullToRun = toRun(cells);
  remarkDuplicates(kept);
  return {
    cells: kept,
    sample: {
      ...spec,
      axes: grid.map(([name]) => name),
      cells: kept.length,
      fullCells: cells.length,
      toRun: toRun(kept),
      fullToRun,
      configurations: result.rows.length,
      fullConfigurations: valid.length,
      coverable: result.coverable,
      // a covering array holds every coverable tuple (coveringArray's contract, checked by the tests)
      covered: result.coverable,
      uncoverable: result.uncoverable,
      required: new Set(required.map((r) => r.join(','))).size,
      offGrid: offGrid.length,
    },
  };
}

/**
 * The constraint of the covering array: a partial row is valid when some valid row agrees with
 * it. Exact and early (the search prunes on it): one bit set of valid rows per axis value, and
 * a partial row is the intersection of its values' sets.
 */
export function validRows(levels: readonly number[], rows: readonly Row[]): (row: PartialRow) => boolean {
  const words = Math.ceil(rows.length / 32);
  const sets = levels.map((n) => Array.from({ length: n }, () => new Uint32Array(words)));
  rows.forEach((row, r) => row.forEach((v, a) => (sets[a]![v]![r >>> 5]! |= 1 << (r & 31))));
  return (row) => {
    const chosen: Uint32Array[] = [];
    row.forEach((v, a) => {
      if (v !== undefined) chosen.push(sets[a]![v]!);
    });
    if (chosen.length === 0) return rows.length > 0;
    for (let w = 0; w < words; w++) {
      let bits = chosen[0]![w]!;
      for (let k = 1; k < chosen.length && bits !== 0; k++) bits &= chosen[k]![w]!;
      if (bits !== 0) return true;
    }
    return false;
  };
}
