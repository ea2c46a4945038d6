/**
 * Duplicate cells: cells equal in everything that reaches the backend (arch, resolved Kconfig,
 * boot line up to spacing, workload, machine, commit) run once; later ones point at the first.
 * Marked on the whole plan, and again on a sample, whose cells may lack the first of a group.
 */
import { intern } from './plan-kconfig.js';
import type { Cell } from './types.js';

/** Marks the second and later cells of each group `duplicate` of the group's first runnable cell. */
export function markDuplicates(cells: readonly Cell[]): void {
  const first = new Map<string, string>();
  // cells share their resolved objects (the resolution cache) and a few boot lines: text them once,
  // and stand a short id in for the resolved text (100,000 keys of a kilobyte each would be hashed)
  const resolvedText = new Map<Record<string, string>, string>();
  const bootText = new Map<string, string>();
  for (const c of cells) {
    if (c.state !== 'run') continue;
    // with a real tree the whole .config decides, not the requested symbols
    let resolved = c.configHash ?? resolvedText.get(c.resolved);
    if (resolved === undefined) resolvedText.set(c.resolved, (resolved = intern(JSON.stringify(c.resolved))));
    let boot = bootText.get(c.boot);
    if (boot === undefined) bootText.set(c.boot, (boot = c.boot.trim().split(/\s+/).join(' ')));
    const key = [c.arch, resolved, boot, c.workload, c.machine.memory, c.machine.nodes, c.commit].join(
      '\u0000',
    );
    const original = first.get(key);
    if (original) {
      c.state = 'duplicate';
      c.duplicateOf = original;
    } else first.set(key, c.id);
  }
}

/** Marks duplicates among `cells` only: a cell whose first was left out runs in its place. */
export function remarkDuplicates(cells: readonly Cell[]): void {
  for (const c of cells)
    if (c.state === 'duplicate') {
      c.state = 'run';
      delete c.duplicateOf;
    }
  markDuplicates(cells);
}
