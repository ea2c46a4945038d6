import { IndexedSet } from './random.js';

/**
 * The t-tuples of a matrix, numbered: the combinations of t axes in lexicographic order, and in
 * each the value tuples in mixed radix. Coverage counts are kept per tuple id.
 */
export class TupleSpace {
  /** The axes of each combination. */
  readonly combos: Int32Array[] = [];
  /** The mixed-radix stride of each axis of each combination. */
  readonly strides: Int32Array[] = [];
  /** The first tuple id of each combination. */
  readonly offsets: number[] = [];
  /** Per axis, the combinations that contain it. */
  readonly combosOf: number[][];
  /** The combination of each tuple id. */
  readonly comboOfTuple: Int32Array;
  readonly size: number;

  constructor(
    readonly axes: readonly number[],
    readonly t: number,
  ) {
    this.combosOf = axes.map(() => []);
    let size = 0;
    const pick = (from: number, chosen: number[]): void => {
      if (chosen.length === t) {
        const c = this.combos.length;
        this.combos.push(Int32Array.from(chosen));
        const strides = new Int32Array(t);
        let span = 1;
        for (let i = t - 1; i >= 0; i--) {
          strides[i] = span;
          span *= axes[chosen[i]!]!;
        }
        this.strides.push(strides);
        this.offsets.push(size);
        for (const a of chosen) this.combosOf[a]!.push(c);
        size += span;
        return;
      }
      for (let a = from; a <= axes.length - (t - chosen.length); a++) pick(a + 1, [...chosen, a]);
    };
    pick(0, []);
    this.size = size;
    this.comboOfTuple = new Int32Array(size);
    for (let c = 0; c < this.combos.length; c++) {
      const end = c + 1 < this.offsets.length ? this.offsets[c + 1]! : size;
      this.comboOfTuple.fill(c, this.offsets[c]!, end);
    }
  }

  /** The id of the tuple of combination `c` that `row` holds; -1 where the row is unassigned. */
  tupleOf(c: number, row: ArrayLike<number | undefined>): number {
    const cols = this.combos[c]!;
    const strides = this.strides[c]!;
    let id = this.offsets[c]!;
    for (let i = 0; i < cols.length; i++) {
      const v = row[cols[i]!];
      if (v === undefined || v < 0) return -1;
      id += v * strides[i]!;
    }
    return id;
  }

  /** The partial row holding only tuple `id`. */
  partialOf(id: number): (number | undefined)[] {
    const c = this.comboOfTuple[id]!;
    const row: (number | undefined)[] = this.axes.map(() => undefined);
    let rest = id - this.offsets[c]!;
    const cols = this.combos[c]!;
    const strides = this.strides[c]!;
    for (let i = 0; i < cols.length; i++) {
      row[cols[i]!] = Math.floor(rest / strides[i]!);
      rest %= strides[i]!;
    }
    return row;
  }
}

/** How many rows hold each tuple, and which needed tuples no row holds yet. */
export class Coverage {
  readonly count: Int32Array;
  readonly uncovered: IndexedSet;

  constructor(
    readonly space: TupleSpace,
    /** 1 for the tuples that must be covered (those some valid row can hold). */
    readonly needed: Uint8Array,
  ) {
    this.count = new Int32Array(space.size);
    this.uncovered = new IndexedSet(space.size);
    for (let id = 0; id < space.size; id++) if (needed[id]) this.uncovered.add(id);
  }

  add(row: ArrayLike<number>): void {
    for (let c = 0; c < this.space.combos.length; c++) this.bump(this.space.tupleOf(c, row), 1);
  }

  remove(row: ArrayLike<number>): void {
    for (let c = 0; c < this.space.combos.length; c++) this.bump(this.space.tupleOf(c, row), -1);
  }

  /** Change the count of one tuple, keeping the uncovered set in step. */
  bump(id: number, by: number): void {
    const n = (this.count[id]! += by);
    if (!this.needed[id]) return;
    if (n === 0) this.uncovered.add(id);
    else if (n === by) this.uncovered.delete(id);
  }
}
