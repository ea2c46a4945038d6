/**
 * A cell's entry in the report (CellResult), built one property at a time in the report's key
 * order. Not `{ ...baseResult(cell), status, ... }`: V8 gives every object made by a spread
 * followed by more keys its own hidden class (a Map and a descriptor array, ~450 bytes), which
 * for the 200,000 entries of a 100,000-cell run was half the live heap. Objects built by
 * assignment in the same order share a few hidden classes.
 */
import type { Cell } from '../matrix/types.js';
import type { CellResult } from '../report/schema.js';

/**
 * What a cell's entry says beyond the cell itself; undefined fields are left out (no spreads needed to omit
 * them).
 */
export type ResultFields = Pick<CellResult, 'status' | 'durationMs' | 'attempts' | 'cached'> & {
  [K in 'signature' | 'log' | 'truncated' | 'reason' | 'duplicateOf']?: CellResult[K] | undefined;
};

/** The report fields of a cell, before it has a status. */
export function baseResult(cell: Cell): Omit<CellResult, 'status' | 'durationMs' | 'attempts' | 'cached'> {
  return {
    id: cell.id,
    arch: cell.arch,
    kconfig: cell.kconfig,
    resolved: cell.resolved,
    boot: cell.boot,
    workload: cell.workload,
    commit: cell.commit,
    machine: cell.machine,
  };
}

/** The cell's entry: its report fields, then `fields` in the report's key order, absent ones left out. */
export function cellResult(cell: Cell, fields: ResultFields): CellResult {
  const r = baseResult(cell) as CellResult;
  r.status = fields.status;
  if (fields.signature !== undefined) r.signature = fields.signature;
  r.durationMs = fields.durationMs;
  r.attempts = fields.attempts;
  r.cached = fields.cached;
  if (fields.log !== undefined) r.log = fields.log;
  if (fields.truncated) r.truncated = true;
  if (fields.reason !== undefined) r.reason = fields.reason;
  if (fields.duplicateOf !== undefined) r.duplicateOf = fields.duplicateOf;
  return r;
}

/**
 * The entry of a cell before it runs: the final one of a planned-away (invalid or duplicate)
 * cell, and for a cell to run the placeholder a RunStart lists (skip, no attempt) until its result.
 */
export function plannedResult(cell: Cell): CellResult {
  if (cell.state === 'run')
    return cellResult(cell, { status: 'skip', durationMs: 0, attempts: 0, cached: false });
  return cellResult(cell, {
    status: cell.state === 'duplicate' ? 'duplicate' : 'invalid',
    durationMs: 0,
    attempts: 0,
    cached: false,
    reason: cell.reason,
    duplicateOf: cell.duplicateOf,
  });
}
