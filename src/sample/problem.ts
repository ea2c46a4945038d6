import { Constraint, coverableTuples } from './constraints.js';
import { Random } from './random.js';
import { kleitmanSpencer } from './seeds.js';
import { Coverage, TupleSpace } from './space.js';
import type { Row, SampleOptions, SampleResult } from './types.js';

/** One instance, checked and prepared: its tuples, which of them are needed, its required rows. */
export interface Problem {
  axes: readonly number[];
  t: number;
  space: TupleSpace;
  constraint: Constraint;
  /** 1 for each tuple some valid row holds. */
  needed: Uint8Array;
  coverable: number;
  required: Row[];
  lowerBound: number;
  random: Random;
}

/** Check the arguments (a RangeError names the first bad one) and build the instance. */
export function prepare(axes: readonly number[], t: number, options: SampleOptions): Problem {
  axes.forEach((n, a) => {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`axis ${a}: ${n} levels (need an integer >= 1)`);
  });
  if (!Number.isInteger(t) || t < 1) throw new RangeError(`strength ${t} (need an integer >= 1)`);
  const strength = Math.min(t, axes.length);
  const constraint = new Constraint(axes, options.valid);
  const required = requiredRows(axes, constraint, options.required ?? []);
  const space = new TupleSpace(axes, strength);
  const needed = coverableTuples(space, constraint, required);
  const coverable = needed.reduce((n, x) => n + x, 0);
  return {
    axes,
    t: strength,
    space,
    constraint,
    needed,
    coverable,
    required,
    lowerBound: Math.max(
      required.length,
      largestCombo(space, needed),
      binaryBound(axes, strength, constraint),
    ),
    random: new Random(options.seed),
  };
}

/** The required rows, deduplicated; each must be a valid row of the axes. */
function requiredRows(
  axes: readonly number[],
  constraint: Constraint,
  rows: readonly (readonly number[])[],
): Row[] {
  const seen = new Set<string>();
  const out: Row[] = [];
  rows.forEach((row, i) => {
    const fits =
      row.length === axes.length && row.every((v, a) => Number.isInteger(v) && v >= 0 && v < axes[a]!);
    if (!fits) throw new RangeError(`required row ${i} [${row.join(', ')}] does not fit the axes`);
    if (!constraint.allows(row)) throw new RangeError(`required row ${i} [${row.join(', ')}] is not valid`);
    const key = row.join(',');
    if (!seen.has(key)) out.push([...row]);
    seen.add(key);
  });
  return out;
}

/** Each row holds one tuple of each combination: no array is smaller than its largest one. */
function largestCombo(space: TupleSpace, needed: Uint8Array): number {
  const per = new Array<number>(space.combos.length).fill(0);
  for (let id = 0; id < space.size; id++) if (needed[id]) per[space.comboOfTuple[id]!]!++;
  return Math.max(0, ...per);
}

/**
 * Without a constraint, reading every level above 0 as 1 turns a covering array into a binary one
 * of strength 2 over the axes with 2 levels or more, and Kleitman–Spencer's size is optimal there.
 */
function binaryBound(axes: readonly number[], t: number, constraint: Constraint): number {
  const k = axes.filter((n) => n >= 2).length;
  return constraint.active || t < 2 || k < 2 ? 0 : kleitmanSpencer(k).length;
}

/** Coverage of the required rows plus `rows`. */
export function coverageOf(p: Problem, rows: readonly Row[]): Coverage {
  const coverage = new Coverage(p.space, p.needed);
  for (const row of p.required) coverage.add(row);
  for (const row of rows) coverage.add(row);
  return coverage;
}

/** The result for the free rows `rows` (the required ones go first); `greedyFree`: the greedy's. */
export function resultOf(p: Problem, rows: readonly Row[], greedyFree: number): SampleResult {
  return {
    rows: [...p.required.map((r) => [...r]), ...rows.map((r) => [...r])],
    strength: p.t,
    coverable: p.coverable,
    uncoverable: p.space.size - p.coverable,
    lowerBound: p.lowerBound,
    greedyRows: p.required.length + greedyFree,
  };
}
