/** Report entries are built by assignment: the key order must stay the report's. */
import { describe, expect, it } from 'vitest';
import type { Cell } from '../../src/matrix/types.js';
import { CellResultSchema } from '../../src/report/schema.js';
import { cellResult, plannedResult } from '../../src/run/cell-result.js';

const cell: Cell = {
  id: 'x86_64.boot@abc',
  arch: 'x86_64',
  kconfig: { CMA: 'y' },
  resolved: { CMA: 'y', NUMA: 'n' },
  boot: 'cma=64M',
  workload: 'boot',
  commit: 'abc',
  commitLabel: 'v1',
  machine: { memory: 2 ** 31, nodes: 2 },
  state: 'run',
};
const BASE = ['id', 'arch', 'kconfig', 'resolved', 'boot', 'workload', 'commit', 'machine'];

describe('cellResult', () => {
  it('builds in the key order of the report schema (a report read back keeps its order)', () => {
    const r = cellResult(cell, {
      status: 'fail',
      signature: 'BUG: x',
      durationMs: 1,
      attempts: 1,
      cached: false,
      log: 'logs/x.log',
      truncated: true,
      reason: 'r',
      duplicateOf: 'd',
    });
    expect(Object.keys(r)).toEqual(Object.keys(CellResultSchema.shape));
  });

  it('puts every given field in the report order, whatever order it was given in', () => {
    const r = cellResult(cell, {
      truncated: true,
      log: 'logs/a.log',
      cached: false,
      attempts: 2,
      durationMs: 7,
      signature: 'BUG: x',
      status: 'fail',
    });
    expect(Object.keys(r)).toEqual([
      ...BASE,
      'status',
      'signature',
      'durationMs',
      'attempts',
      'cached',
      'log',
      'truncated',
    ]);
    expect(r).toMatchObject({
      status: 'fail',
      signature: 'BUG: x',
      durationMs: 7,
      attempts: 2,
      cached: false,
      log: 'logs/a.log',
      truncated: true,
    });
  });

  it('leaves out undefined fields and a false truncated', () => {
    const r = cellResult(cell, {
      status: 'pass',
      signature: undefined,
      durationMs: 1,
      attempts: 1,
      cached: true,
      log: undefined,
      truncated: false,
    });
    expect(Object.keys(r)).toEqual([...BASE, 'status', 'durationMs', 'attempts', 'cached']);
  });

  it('gives a planned-away cell its reason or duplicate', () => {
    expect(plannedResult({ ...cell, state: 'invalid', reason: 'CMA=y needs MMU' })).toMatchObject({
      status: 'invalid',
      attempts: 0,
      reason: 'CMA=y needs MMU',
    });
    const dup = plannedResult({ ...cell, state: 'duplicate', duplicateOf: 'y' });
    expect(Object.keys(dup)).toEqual([...BASE, 'status', 'durationMs', 'attempts', 'cached', 'duplicateOf']);
  });

  it('gives a cell to run the skip placeholder a RunStart lists until its result', () => {
    const r = plannedResult({ ...cell, state: 'run' });
    expect(r).toMatchObject({ status: 'skip', durationMs: 0, attempts: 0, cached: false });
    expect(Object.keys(r)).toEqual([...BASE, 'status', 'durationMs', 'attempts', 'cached']);
  });
});
