/**
 * An independent, brute-force check of covering arrays (nothing from src/sample's internals),
 * and kmatrix-like constrained instances.
 */
import type { PartialRow, Validity } from '../../src/sample/index.js';

/** Every full row of `axes` (for small instances only). */
export function allRows(axes: readonly number[]): number[][] {
  let rows: number[][] = [[]];
  for (const n of axes) rows = rows.flatMap((r) => Array.from({ length: n }, (_, v) => [...r, v]));
  return rows;
}

function combinations(k: number, t: number): number[][] {
  if (t === 0) return [[]];
  const out: number[][] = [];
  for (let a = 0; a < k; a++)
    for (const rest of combinations(k - a - 1, t - 1)) out.push([a, ...rest.map((b) => b + a + 1)]);
  return out;
}

const key = (cols: readonly number[], row: readonly number[]) => `${cols}:${cols.map((c) => row[c])}`;

export interface CoverCheck {
  /** Tuples (as `cols:values`) some valid row holds that no row of the sample holds. */
  missing: string[];
  /** Indices of the sample's invalid rows. */
  invalid: number[];
  coverable: number;
  uncoverable: number;
}

/** Check `rows` exhaustively: every tuple a valid row holds is in one of them; all are valid. */
export function checkCover(
  axes: readonly number[],
  t: number,
  rows: readonly (readonly number[])[],
  valid?: Validity,
): CoverCheck {
  const strength = Math.min(t, axes.length);
  const combos = combinations(axes.length, strength);
  const total = combos.reduce((n, cols) => n + cols.reduce((p, c) => p * axes[c]!, 1), 0);
  const isValid = (row: readonly number[]) => !valid || valid(row) !== false;
  const coverable = new Set<string>();
  if (valid) {
    for (const row of allRows(axes))
      if (isValid(row)) for (const cols of combos) coverable.add(key(cols, row));
  } else {
    for (const cols of combos)
      for (const vals of allRows(cols.map((c) => axes[c]!))) {
        const row: number[] = [];
        cols.forEach((c, i) => (row[c] = vals[i]!));
        coverable.add(key(cols, row));
      }
  }
  const held = new Set<string>();
  for (const row of rows) for (const cols of combos) held.add(key(cols, row));
  return {
    missing: [...coverable].filter((k) => !held.has(k)),
    invalid: rows.flatMap((row, i) => (isValid(row) ? [] : [i])),
    coverable: coverable.size,
    uncoverable: total - coverable.size,
  };
}

/** A constraint from rules over a partial row: each returns true when its assigned axes break it. */
export function constraintOf(...rules: ((row: PartialRow) => boolean)[]): Validity {
  return (row) => (rules.some((broken) => broken(row)) ? false : undefined);
}

export const ARCHES = ['i386', 'x86_64', 'arm', 'arm64', 'ppc64', 'riscv64', 's390x', 'mips'];
const is64 = (arch: number | undefined) => arch !== undefined && /64|s390x/.test(ARCHES[arch]!);
const BOOT_CMA = 3; // boot line `cma=64M`
const BOOT_MOVABLE = 4; // boot line `movablecore=25%`

/** arch x HIGHMEM x CMA x 10 boot lines x 5 workloads; HIGHMEM=y exists on 32-bit arches only. */
export const memoryMatrix = {
  axes: [8, 2, 2, 10, 5],
  valid: constraintOf(
    ([arch, highmem]) => highmem === 1 && is64(arch),
    // the cma= boot line and the CMA allocation workload (4) need CONFIG_CMA
    ([, , cma, boot]) => cma === 0 && boot === BOOT_CMA,
    ([, , cma, , workload]) => cma === 0 && workload === 4,
  ),
};

/**
 * arch x MEMORY_HOTPLUG x MEMORY_HOTREMOVE x ZONE_DEVICE x 6 boot lines x 6 workloads, with the
 * Kconfig dependencies: HOTREMOVE needs HOTPLUG, ZONE_DEVICE needs HOTREMOVE and a 64-bit arch;
 * the hotplug workload (1) needs HOTPLUG, devdax (2) ZONE_DEVICE, movablecore= HOTPLUG.
 */
export const hotplugMatrix = {
  axes: [8, 2, 2, 2, 6, 6],
  valid: constraintOf(
    ([, plug, remove]) => remove === 1 && plug === 0,
    ([, , remove, device]) => device === 1 && remove === 0,
    ([arch, , , device]) => device === 1 && arch !== undefined && !is64(arch),
    ([, plug, , , , workload]) => workload === 1 && plug === 0,
    ([, , , device, , workload]) => workload === 2 && device === 0,
    ([, plug, , , boot]) => boot === BOOT_MOVABLE && plug === 0,
  ),
};

/** The Kconfig symbols of `kconfigMatrix`, one boolean axis each after the arch. */
export const SYMBOLS = [
  'HIGHMEM',
  'CMA',
  'HOTPLUG',
  'HOTREMOVE',
  'ZONE_DEVICE',
  'VMEMMAP',
  'NUMA',
  'DEFERRED',
];
const KCONFIG_ARCHES = ['i386', 'x86_64', 'arm64', 'ppc64'];
const sym = (row: PartialRow, name: string) => row[1 + SYMBOLS.indexOf(name)];
const archOf = (row: PartialRow) => (row[0] === undefined ? undefined : KCONFIG_ARCHES[row[0]]);

/**
 * 4 arches x 8 Kconfig symbols x 4 workloads (boot, dma-alloc, hotplug, devdax): many binary
 * axes tied by dependencies, where the search has room to beat the greedy array.
 */
export const kconfigMatrix = {
  axes: [4, 2, 2, 2, 2, 2, 2, 2, 2, 4],
  valid: constraintOf(
    (row) => sym(row, 'HIGHMEM') === 1 && row[0] !== undefined && archOf(row) !== 'i386',
    (row) => sym(row, 'HOTREMOVE') === 1 && sym(row, 'HOTPLUG') === 0,
    (row) => sym(row, 'ZONE_DEVICE') === 1 && (sym(row, 'HOTREMOVE') === 0 || sym(row, 'VMEMMAP') === 0),
    (row) => sym(row, 'ZONE_DEVICE') === 1 && archOf(row) === 'i386',
    (row) => sym(row, 'DEFERRED') === 1 && sym(row, 'NUMA') === 0,
    (row) => row[9] === 1 && sym(row, 'CMA') === 0,
    (row) => row[9] === 2 && sym(row, 'HOTPLUG') === 0,
    (row) => row[9] === 3 && sym(row, 'ZONE_DEVICE') === 0,
  ),
};
