/**
 * The contract of src/sample: a matrix is a list of axes, each a number of levels; a row picks
 * one level index per axis. The caller maps axis values to level indices and back.
 */

/** One cell of the matrix: a level index per axis. */
export type Row = number[];

/** A row being built: `undefined` where the axis is not chosen yet. */
export type PartialRow = readonly (number | undefined)[];

/**
 * The constraint (in kmatrix: does the cell's Kconfig resolve?). `false` rules the row out;
 * on a partial row it means that no completion is valid, which lets the search prune early.
 * `true` and `undefined` rule nothing out (`undefined`: not decidable from the axes chosen so
 * far). On a complete row anything but `false` makes it valid.
 */
export type Validity = (row: PartialRow) => boolean | undefined;

/** Options of `coveringArray` and of the greedy baseline. */
export interface SampleOptions {
  /** Seed of the PRNG: the same seed gives the same rows. */
  seed: number;
  /** The constraint; absent: every row is valid. */
  valid?: Validity;
  /** Rows that must be in the sample (the matrix's includes); they come first, deduplicated. */
  required?: readonly (readonly number[])[];
  /**
   * Budget of the size reduction in units of work (one unit: a tuple looked up or re-counted),
   * a deterministic stand-in for time. Default 30 million (roughly a quarter of a second);
   * 0 keeps the greedy array.
   */
  maxWork?: number;
}

/** A covering array and what it covers. */
export interface SampleResult {
  /** The sample: every row valid, the required rows first. */
  rows: Row[];
  /** The strength actually used: `t` capped at the number of axes. */
  strength: number;
  /** t-tuples some valid row holds: each is in at least one row of `rows`. */
  coverable: number;
  /** t-tuples no valid row can hold: not required, and counted here. */
  uncoverable: number;
  /** A lower bound on the size of any valid covering array of this instance. */
  lowerBound: number;
  /** Rows of the greedy array the search started from (the required rows included). */
  greedyRows: number;
}
