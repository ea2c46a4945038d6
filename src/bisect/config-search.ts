/**
 * Config bisection (pure): the differences between a passing and a failing cell at the same
 * commit, and delta debugging (Zeller's ddmin) over them to find a minimal failure-inducing
 * set. Like ktest's config-bisect, a candidate whose Kconfig does not resolve (a symbol its
 * dependencies turn off) is skipped, i.e. treated as "does not fail".
 */
import { formatSize } from '../matrix/units.js';
import type { Cell } from '../matrix/types.js';

/**
 * One difference between the good and the bad cell; applying it to the good cell moves it toward the bad one.
 */
export type Difference =
  | { kind: 'kconfig'; symbol: string; value: string }
  | { kind: 'boot'; param: string; op: 'add' | 'remove' }
  | { kind: 'memory'; value: number }
  | { kind: 'nodes'; value: number }
  | { kind: 'arch'; value: Cell['arch'] }
  | { kind: 'workload'; value: string };

/**
 * Split a kernel command line into parameters; double quotes
 * group (`param="a b"`), as the kernel's next_arg does.
 */
export function splitBoot(cmdline: string): string[] {
  return cmdline.match(/(?:[^\s"]+|"[^"]*"?)+/g) ?? [];
}

/**
 * Every difference between two cells, in a stable order (arch, kconfig by symbol, boot, machine, workload).
 */
export function cellDifferences(good: Cell, bad: Cell): Difference[] {
  const out: Difference[] = [];
  if (good.arch !== bad.arch) out.push({ kind: 'arch', value: bad.arch });
  const symbols = [...new Set([...Object.keys(good.kconfig), ...Object.keys(bad.kconfig)])].sort();
  for (const symbol of symbols) {
    const want = bad.kconfig[symbol] ?? bad.resolved[symbol];
    const have = good.kconfig[symbol] ?? good.resolved[symbol];
    if (want !== undefined && want !== have) out.push({ kind: 'kconfig', symbol, value: want });
  }
  const goodParams = splitBoot(good.boot);
  const badParams = splitBoot(bad.boot);
  for (const p of goodParams) if (!badParams.includes(p)) out.push({ kind: 'boot', param: p, op: 'remove' });
  for (const p of badParams) if (!goodParams.includes(p)) out.push({ kind: 'boot', param: p, op: 'add' });
  if (good.machine.memory !== bad.machine.memory) out.push({ kind: 'memory', value: bad.machine.memory });
  if (good.machine.nodes !== bad.machine.nodes) out.push({ kind: 'nodes', value: bad.machine.nodes });
  if (good.workload !== bad.workload) out.push({ kind: 'workload', value: bad.workload });
  return out;
}

/**
 * The good cell with some differences applied. `resolved` only gets the requested symbols
 * overwritten: the caller re-resolves Kconfig and gives the candidate its id.
 */
export function applyDifferences(good: Cell, diffs: readonly Difference[]): Cell {
  const cell: Cell = {
    ...good,
    kconfig: { ...good.kconfig },
    resolved: { ...good.resolved },
    machine: { ...good.machine },
  };
  let params = splitBoot(good.boot);
  for (const d of diffs) {
    switch (d.kind) {
      case 'arch':
        cell.arch = d.value;
        break;
      case 'kconfig':
        cell.kconfig[d.symbol] = d.value;
        cell.resolved[d.symbol] = d.value;
        break;
      case 'boot':
        params = d.op === 'add' ? [...params, d.param] : params.filter((p) => p !== d.param);
        break;
      case 'memory':
        cell.machine.memory = d.value;
        break;
      case 'nodes':
        cell.machine.nodes = d.value;
        break;
      case 'workload':
        cell.workload = d.value;
        break;
    }
  }
  cell.boot = params.join(' ');
  return cell;
}

export function describeDifference(d: Difference): string {
  switch (d.kind) {
    case 'kconfig':
      return `${d.symbol}=${d.value}`;
    case 'boot':
      return d.op === 'add' ? `boot ${d.param}` : `without boot ${d.param}`;
    case 'memory':
      return `memory=${formatSize(d.value)}`;
    case 'nodes':
      return `nodes=${d.value}`;
    case 'arch':
      return `arch=${d.value}`;
    case 'workload':
      return `workload=${d.value}`;
  }
}

/** "fails only with HIGHMEM=y and CMA=y together" */
export function describeMinimal(diffs: readonly Difference[]): string {
  const names = diffs.map(describeDifference);
  if (names.length === 0) return 'fails without any of the differences (the good cell itself fails)';
  if (names.length === 1) return `fails only with ${names[0]}`;
  const list =
    names.length === 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `fails only with ${list} together`;
}

/** The test of candidates: a candidate is a subset of the differences applied to the good cell. */
export interface DdminOracle<T> {
  /** False when the candidate's configuration does not resolve; it is skipped, not run. */
  resolves?(subset: readonly T[]): boolean;
  /**
   * Whether each candidate fails (with the bad cell's signature); candidates of one call may run in parallel.
   */
  fails(subsets: ReadonlyArray<readonly T[]>): Promise<boolean[]> | boolean[];
}

export interface DdminResult<T> {
  /** A 1-minimal failure-inducing subset: removing any one element makes it pass (or not resolve). */
  minimal: T[];
  /** Candidates run. */
  tests: number;
  /** Candidates skipped because they did not resolve. */
  unresolved: number;
}

/**
 * ddmin over `items`. Assumes the full set fails and the empty set passes (the caller checks
 * both ends). Each step tests the n parts together, then their complements together.
 */
export async function ddmin<T>(items: readonly T[], oracle: DdminOracle<T>): Promise<DdminResult<T>> {
  const memo = new Map<string, boolean>();
  let tests = 0;
  let unresolved = 0;
  const key = (s: readonly number[]) => s.join(',');
  /** Index of the first failing subset, or -1. */
  const firstFailing = async (subsets: number[][]): Promise<number> => {
    const todo: number[][] = [];
    for (const s of subsets) {
      const k = key(s);
      if (memo.has(k) || todo.some((t) => key(t) === k)) continue;
      if (oracle.resolves && !oracle.resolves(s.map((i) => items[i]!))) {
        memo.set(k, false);
        unresolved++;
        continue;
      }
      todo.push(s);
    }
    if (todo.length) {
      const verdicts = await oracle.fails(todo.map((s) => s.map((i) => items[i]!)));
      tests += todo.length;
      todo.forEach((s, i) => memo.set(key(s), verdicts[i] === true));
    }
    return subsets.findIndex((s) => memo.get(key(s)) === true);
  };
  let current = items.map((_, i) => i);
  let n = 2;
  while (current.length >= 2) {
    const parts = split(current, Math.min(n, current.length));
    const part = await firstFailing(parts);
    if (part >= 0) {
      current = parts[part]!;
      n = 2;
      continue;
    }
    if (parts.length > 2) {
      const complements = parts.map((p) => current.filter((i) => !p.includes(i)));
      const c = await firstFailing(complements);
      if (c >= 0) {
        current = complements[c]!;
        n = Math.max(n - 1, 2);
        continue;
      }
    }
    if (n >= current.length) break;
    n = Math.min(current.length, n * 2);
  }
  return { minimal: current.map((i) => items[i]!), tests, unresolved };
}

function split<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((list.length - start) / (n - i));
    out.push(list.slice(start, end));
    start = end;
  }
  return out.filter((p) => p.length > 0);
}
