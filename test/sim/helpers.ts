/** Test helpers: load a shipped history with the yaml package, fold its switches, build inputs. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { defaultMachine, simulate, type SimInput, type SimResult } from '../../src/sim/index.js';

interface YamlCommit {
  sha: string;
  subject: string;
  version?: string;
  tags?: string[];
  set?: Record<string, unknown>;
  build?: string;
}

export interface LoadedHistory {
  name: string;
  commits: YamlCommit[];
}

export function loadHistory(name: string): LoadedHistory {
  const file = fileURLToPath(new URL(`../../matrices/histories/${name}.yaml`, import.meta.url));
  return parse(readFileSync(file, 'utf8')) as LoadedHistory;
}

/** Index of the commit whose sha starts with `prefix` or that carries tag `prefix`. */
export function indexOf(h: LoadedHistory, prefix: string): number {
  const i = h.commits.findIndex(
    (c) => c.sha.startsWith(prefix) || c.tags?.includes(prefix) || c.subject === prefix,
  );
  if (i < 0) throw new Error(`${h.name}: no commit ${prefix}`);
  return i;
}

/** The commit fields of a SimInput at index i: switches and version folded from the first commit. */
export function commitAt(h: LoadedHistory, i: number): Pick<SimInput, 'commit' | 'switches' | 'buildBroken'> {
  const switches: Record<string, unknown> = {};
  let version: string | undefined;
  for (const c of h.commits.slice(0, i + 1)) {
    Object.assign(switches, c.set ?? {});
    version = c.version ?? version;
  }
  const c = h.commits[i]!;
  return { commit: { sha: c.sha, subject: c.subject, version }, switches, buildBroken: c.build === 'broken' };
}

/** Resolved canonical Kconfig per arch, as the lead's resolver would give for a default config. */
const ARCH_CONFIG: Record<string, string[]> = {
  i386: ['X86_32', 'MMU', 'SMP'],
  x86_64: [
    'X86_64',
    '64BIT',
    'MMU',
    'SMP',
    'NUMA',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
    'ARCH_WANT_OPTIMIZE_VMEMMAP',
  ],
  arm: ['ARM', 'MMU', 'SMP'],
  arm64: [
    'ARM64',
    '64BIT',
    'MMU',
    'SMP',
    'NUMA',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  ppc64: [
    'PPC64',
    '64BIT',
    'MMU',
    'SMP',
    'NUMA',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
};

/** Closure of the dependencies the model relies on (CMA selects MIGRATION, ZONE_DEVICE needs hotplug). */
export function config(arch: string, extra: Record<string, boolean> = {}): Record<string, boolean> {
  const c: Record<string, boolean> = {};
  for (const s of ARCH_CONFIG[arch] ?? []) c[s] = true;
  Object.assign(c, extra);
  if (c.CMA) Object.assign(c, { MIGRATION: true, MEMORY_ISOLATION: true });
  if (c.ZONE_DEVICE) Object.assign(c, { MEMORY_HOTPLUG: true, MEMORY_HOTREMOVE: true });
  return c;
}

export const G = 2 ** 30;

export interface CellSpec {
  arch: string;
  kconfig?: Record<string, boolean>;
  boot?: string;
  workload?: string;
  memory?: number;
  nodes?: number;
}

export function input(spec: CellSpec, at: Pick<SimInput, 'commit' | 'switches' | 'buildBroken'>): SimInput {
  const m = defaultMachine(spec.arch);
  return {
    arch: spec.arch,
    config: config(spec.arch, spec.kconfig),
    boot: spec.boot ?? '',
    workload: spec.workload ?? 'boot',
    machine: { memory: spec.memory ?? m.memory, nodes: spec.nodes ?? m.nodes },
    ...at,
    axes: { arch: spec.arch, workload: spec.workload ?? 'boot', boot: spec.boot ?? '' },
    attempt: 0,
    seed: 0,
  };
}

/** Simulate a cell at three points of a history: before the culprit, at it, after the repair. */
export function triple(
  h: LoadedHistory,
  culprit: string,
  repair: string,
  spec: CellSpec,
): [SimResult, SimResult, SimResult] {
  const c = indexOf(h, culprit);
  const r = indexOf(h, repair);
  return [
    simulate(input(spec, commitAt(h, c - 1))),
    simulate(input(spec, commitAt(h, c))),
    simulate(input(spec, commitAt(h, r))),
  ];
}
