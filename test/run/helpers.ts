/** Shared fixtures of the run engine tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Cell } from '../../src/matrix/types.js';

export const CELL_SH = fileURLToPath(new URL('../fixtures/commands/cell.sh', import.meta.url));

export function makeCell(over: Partial<Cell> = {}): Cell {
  return {
    id: 'x86_64-HIGHMEM=n-boot-abc123',
    arch: 'x86_64',
    kconfig: { HIGHMEM: 'n' },
    resolved: { HIGHMEM: 'n', CMA: 'y', X86_64: 'y' },
    boot: '',
    workload: 'boot',
    commit: 'abc123abc123abc123abc123abc123abc123abc1',
    commitLabel: 'v6.8',
    machine: { memory: 1 << 30, nodes: 1 },
    state: 'run',
    ...over,
  };
}

/** Live (non-zombie) processes of the group led by the pid in `file`, read from /proc. */
export function liveInGroup(file: string): number[] {
  const pgid = Number(readFileSync(file, 'utf8').trim());
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') live.push(Number(entry));
  }
  return live;
}

/** The group is gone once the kernel has delivered SIGKILL (allow it a moment). */
export async function groupGone(file: string): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (liveInGroup(file).length === 0) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
