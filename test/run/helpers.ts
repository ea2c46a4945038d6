/** Shared fixtures of the run engine tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cell } from '../../src/matrix/types.js';

export const CELL_SH = fileURLToPath(new URL('../fixtures/commands/cell.sh', import.meta.url));

export function tempDir(prefix = 'kmatrix-run-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

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
