/**
 * Before merging, the runs must cover one plan exactly once: all the shards of one split (no
 * shard missing or given twice, one count), cut from one plan (one plan hash), whose cells
 * together hash to that plan again. Whole runs merge as before. Shards of an older kmatrix
 * carry no plan hash: they merge with a warning, but a gate cannot rely on them.
 */
import { UserError } from '../errors.js';
import type { LoadedRun } from './load.js';
import { planHash } from './plan-hash.js';
import type { CellResult } from './schema.js';

/** The plan hash a run names, if any. */
const hashOf = (r: LoadedRun): string | undefined => r.report.planHash ?? r.start.planHash;

const list = (items: string[]) =>
  items.length > 20 ? `${items.slice(0, 20).join(', ')} and ${items.length - 20} more` : items.join(', ');

function refuseDifferentPlans(runs: readonly LoadedRun[], what: string): void {
  const hashes = new Set(runs.map(hashOf).filter((h) => h !== undefined));
  if (hashes.size > 1)
    throw new UserError(
      `merge: the ${what} are of different plans (was the matrix changed between runs?): ` +
        list(runs.map((r) => `${r.dir} has plan ${hashOf(r)?.slice(0, 12) ?? 'unknown'}`)),
    );
}

/**
 * Throws a UserError when the runs do not cover one plan exactly once. Returns the plan hash
 * they were checked against, or why they could not be checked.
 */
export function checkCoverage(runs: readonly LoadedRun[]): { planHash?: string; unchecked?: string } {
  const shards = runs.filter((r) => r.report.shard);
  if (shards.length === 0) {
    refuseDifferentPlans(runs, 'runs');
    const hash = hashOf(runs[0]!);
    return hash !== undefined && runs.every((r) => hashOf(r) === hash) ? { planHash: hash } : {};
  }
  const show = (r: LoadedRun) =>
    `${r.dir} is ${r.report.shard ? `${r.report.shard.index}/${r.report.shard.count}` : 'a whole run'}`;
  if (shards.length < runs.length)
    throw new UserError(
      `merge: give either the shards of one run or whole runs, not both: ${list(runs.map(show))}`,
    );
  const count = shards[0]!.report.shard!.count;
  if (shards.some((r) => r.report.shard!.count !== count))
    throw new UserError(`merge: the shards are of different splits: ${list(runs.map(show))}`);
  const byIndex = new Map<number, LoadedRun>();
  for (const r of shards) {
    const { index } = r.report.shard!;
    const prev = byIndex.get(index);
    if (prev) throw new UserError(`merge: shard ${index}/${count} is given twice: ${prev.dir} and ${r.dir}`);
    byIndex.set(index, r);
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length) {
    const names = list(missing.map((i) => `${i}/${count}`));
    const matrix = shards[0]!.report.matrix;
    const which =
      missing.length === 1 ? `shard ${names} of ${matrix} is` : `shards ${names} of ${matrix} are`;
    throw new UserError(`merge: ${which} missing; merge all ${count} shards of the run`);
  }
  const unhashed = shards.filter((r) => hashOf(r) === undefined);
  if (unhashed.length)
    return {
      unchecked:
        `cannot check that the shards cover their plan exactly: ${list(unhashed.map((r) => r.dir))} ` +
        `${unhashed.length === 1 ? 'has' : 'have'} no plan hash (written by an older kmatrix)`,
    };
  refuseDifferentPlans(shards, 'shards');
  // the cells of all shards must be the plan again: none missing, none foreign
  const cells = new Map<string, CellResult>();
  for (const r of shards) {
    const own = new Set(r.start.cells.map((c) => c.id));
    const foreign = r.report.cells.find((c) => !own.has(c.id));
    if (foreign)
      throw new UserError(`merge: ${r.dir}: cell ${foreign.id} has a result but is not in the shard's plan`);
    for (const c of r.start.cells) cells.set(c.id, c);
  }
  const hash = hashOf(shards[0]!)!;
  if (planHash(cells.values()) !== hash)
    throw new UserError(
      `merge: the cells of the shards do not make up their plan ${hash.slice(0, 12)}: the shards were ` +
        'split differently (from different result caches?) or a run folder was edited',
    );
  return { planHash: hash };
}
