/**
 * `--shard i/n`: a deterministic 1/n of the cells. Greedy longest-processing-time over the
 * cells sorted by (duration desc, id), each to the least-loaded shard, so shards finish
 * together when the cache knows durations; with no durations it is a round-robin by id.
 * The engine passes durations only when the cache knows every runnable cell, so shards run
 * one after another on one machine agree; shards on several machines must start from the
 * same cache (or none) to agree on the split.
 */
import { UserError } from '../errors.js';
import type { Cell } from '../matrix/types.js';
import type { Shard } from '../report/schema.js';

export type { Shard };

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count || count > 100_000) {
    throw new UserError(`--shard: expected i/n with 1 <= i <= n, got "${text}" (e.g. --shard 2/4)`);
  }
  return { index, count };
}

/** Shard number (1-based) of every cell, by id. Cells that do not run weigh nothing. */
export function assignShards(
  cells: readonly Cell[],
  count: number,
  durationOf: (cell: Cell) => number | undefined,
): Map<string, number> {
  const known = cells
    .filter((c) => c.state === 'run')
    .map(durationOf)
    .filter((d): d is number => d !== undefined && d >= 0);
  const fallback = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  const weighted = cells.map((c) => ({
    id: c.id,
    w: c.state === 'run' ? Math.max(durationOf(c) ?? fallback, 1e-3) : 0,
  }));
  weighted.sort((a, b) => b.w - a.w || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const load = new Array<number>(count).fill(0);
  const assignment = new Map<string, number>();
  for (const { id, w } of weighted) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += w;
    assignment.set(id, best + 1);
  }
  return assignment;
}

export function selectShard(
  cells: readonly Cell[],
  shard: Shard,
  durationOf: (cell: Cell) => number | undefined,
): Cell[] {
  const assignment = assignShards(cells, shard.count, durationOf);
  return cells.filter((c) => assignment.get(c.id) === shard.index);
}
