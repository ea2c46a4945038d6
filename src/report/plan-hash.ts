/**
 * The plan hash: what `merge` checks shards against. Each shard records the hash of the whole
 * plan it was cut from; the cells of all its shards, together, must hash to it again, so a
 * missing, extra or foreign cell (another revision of a matrix with the same name, shards
 * split from different caches) is found without knowing how the shards were split.
 */
import { createHash } from 'node:crypto';
import type { CellResult } from './schema.js';

type PlannedCell = Pick<CellResult, 'id' | 'arch' | 'kconfig' | 'resolved' | 'boot' | 'workload' | 'commit'> &
  Partial<Pick<CellResult, 'machine' | 'status'>>;

/** A flat record as JSON, its keys sorted (a replacer array orders them) whatever their insertion order. */
const sortedJson = (r: Record<string, string>) => JSON.stringify(r, Object.keys(r).sort());

/**
 * A cell as what it is, not how it ended: planned-away (invalid, duplicate) or to run.
 * `sorted` gives the sorted JSON of a Kconfig record (cells share a few: each is printed once).
 */
function canonical(c: PlannedCell, sorted: (r: Record<string, string>) => string): string {
  const planned = c.status === 'invalid' || c.status === 'duplicate' ? c.status : 'run';
  const machine = c.machine ? [c.machine.memory, c.machine.nodes] : null;
  const what = JSON.stringify([c.id, planned, c.arch, c.boot, c.workload, c.commit, machine]);
  return `${what}${sorted(c.kconfig)}${sorted(c.resolved)}\n`;
}

/** Lines hashed per update: one native call per line cost more than the hash of its bytes. */
const LINES_PER_UPDATE = 64;

/** sha256 (hex) of the planned cells, sorted by id, one canonical JSON line each. Order-free. */
export function planHash(cells: Iterable<PlannedCell>): string {
  const byId = [...cells].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const texts = new Map<Record<string, string>, string>();
  const sorted = (r: Record<string, string>) => {
    let text = texts.get(r);
    if (text === undefined) texts.set(r, (text = sortedJson(r)));
    return text;
  };
  const hash = createHash('sha256');
  for (let i = 0; i < byId.length; i += LINES_PER_UPDATE) {
    let lines = '';
    for (const c of byId.slice(i, i + LINES_PER_UPDATE)) lines += canonical(c, sorted);
    hash.update(lines);
  }
  return hash.digest('hex');
}
