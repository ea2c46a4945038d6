import type { PartialRow, Row, Validity } from './types.js';
import type { TupleSpace } from './space.js';

const CACHE_LIMIT = 200_000;

/**
 * The caller's constraint, with the search over completions it needs: whether a partial row
 * can still become a valid row, and one such row. Without a constraint every row is valid and
 * nothing is searched.
 */
export class Constraint {
  /** Completability of partial rows already asked about, by their text. */
  private readonly known = new Map<string, boolean>();
  /**
   * The constraint's answers, by row text: the search asks about the same rows many times (a
   * tenth of its calls are distinct), and Kconfig resolution is not free.
   */
  private readonly answers = new Map<string, boolean>();

  constructor(
    readonly axes: readonly number[],
    private readonly valid: Validity | undefined,
  ) {}

  /** False when there is no constraint: every row is valid. */
  get active(): boolean {
    return this.valid !== undefined;
  }

  /** A complete row is valid unless the constraint says `false`. */
  allows(row: PartialRow): boolean {
    if (this.valid === undefined) return true;
    const key = row.join(',');
    const hit = this.answers.get(key);
    if (hit !== undefined) return hit;
    const ok = this.valid(row) !== false;
    remember(this.answers, key, ok);
    return ok;
  }

  /** Some valid row agrees with `partial` where it is assigned. */
  completable(partial: PartialRow): boolean {
    if (!this.valid) return true;
    const key = partial.join(',');
    const hit = this.known.get(key);
    if (hit !== undefined) return hit;
    const ok = this.complete(partial) !== undefined;
    remember(this.known, key, ok);
    return ok;
  }

  /**
   * A valid row that agrees with `partial`, found depth first (axes in order, levels from 0),
   * pruned wherever the constraint rules a partial row out; undefined when there is none.
   */
  complete(partial: PartialRow): Row | undefined {
    const row = [...partial];
    if (!this.allows(row)) return undefined;
    const free = row.flatMap((v, a) => (v === undefined ? [a] : []));
    const search = (i: number): boolean => {
      if (i === free.length) return true;
      const a = free[i]!;
      for (let v = 0; v < this.axes[a]!; v++) {
        row[a] = v;
        if (this.allows(row) && search(i + 1)) return true;
      }
      row[a] = undefined;
      return false;
    };
    return search(0) ? (row as Row) : undefined;
  }
}

/** A bounded memo: cleared when full, so memory stays flat on large matrices. */
function remember(memo: Map<string, boolean>, key: string, value: boolean): void {
  if (memo.size >= CACHE_LIMIT) memo.clear();
  memo.set(key, value);
}

/**
 * Which tuples some valid row can hold: each tuple not yet seen in a valid row is completed
 * depth first, and the row found witnesses every tuple it holds, so most tuples cost nothing.
 * `witnesses` (the required rows) count first.
 */
export function coverableTuples(
  space: TupleSpace,
  constraint: Constraint,
  witnesses: readonly Row[],
): Uint8Array {
  const needed = new Uint8Array(space.size);
  if (!constraint.active) return needed.fill(1);
  const witness = (row: Row): void => {
    for (let c = 0; c < space.combos.length; c++) needed[space.tupleOf(c, row)] = 1;
  };
  witnesses.forEach(witness);
  for (let id = 0; id < space.size; id++) {
    if (needed[id]) continue;
    const row = constraint.complete(space.partialOf(id));
    if (row) witness(row);
  }
  return needed;
}
