/**
 * From a loaded matrix to the plan: expand the axes (GitHub include/exclude semantics),
 * fill defaults, resolve each cell's Kconfig at its commit, mark invalid and duplicate cells,
 * and give every cell its stable id.
 */
import path from 'node:path';
import { UserError } from '../errors.js';
import { resolveRevOrRange } from '../history/revs.js';
import type { History } from '../history/types.js';
import { defaultMachine } from '../sim/arch.js';
import { cellId, uniqueIds } from './cell-id.js';
import { markDuplicates } from './duplicates.js';
import { expandMatrix, flattenEntry, productSize, type AxisValue, type Combination } from './expand.js';
import { loadMatrix, type LoadedMatrix } from './load.js';
import type { BackendConfig, Plan } from './plan-types.js';
import type { YamlMemo } from '../yaml/yaml.js';
import {
  commitNaming,
  kconfigRequest,
  treeRequest,
  type CommitNaming,
  type KconfigRequest,
} from './plan-kconfig.js';
import type { Arch, Cell } from './types.js';
import { parseDuration, parseSize } from './units.js';
import { samplePlan, sampledAxes, type SampleSpec } from './sample.js';

export const DEFAULT_MAX_CELLS = 100_000;
/** Documented defaults for axes a combination lacks. */
export const AXIS_DEFAULTS = { arch: 'x86_64', boot: '', workload: 'boot' } as const;

export interface PlanOptions {
  maxCells?: number;
  /** Remembered parses of history files (see YamlMemo). */
  yamlMemo?: YamlMemo;
  /**
   * Overrides of the matrix's `sample:` (`--sample t`, `--sample-seed n`); false: every cell
   * (`--no-sample`).
   */
  sample?: Partial<SampleSpec> | false;
}

export async function loadPlan(file: string, opts: PlanOptions = {}): Promise<Plan> {
  return buildPlan(await loadMatrix(file, opts.yamlMemo ? { yamlMemo: opts.yamlMemo } : {}), opts);
}

export function buildPlan(m: LoadedMatrix, opts: PlanOptions = {}): Plan {
  const { data, history } = m;
  const maxCells = opts.maxCells ?? DEFAULT_MAX_CELLS;
  const axes: Array<readonly [string, AxisValue[]]> = [];
  const ax = data.matrix;
  if (ax.arch) axes.push(['arch', ax.arch]);
  for (const [sym, values] of Object.entries(ax.kconfig ?? {})) axes.push([`kconfig.${sym}`, values]);
  if (ax.boot) axes.push(['boot', ax.boot]);
  if (ax.workload) axes.push(['workload', ax.workload]);
  if (ax.memory) axes.push(['memory', ax.memory.map((v) => parseSize(v)!)]);
  if (ax.nodes) axes.push(['nodes', ax.nodes]);
  const commitShas = history ? m.commitIndices.map((i) => history.commits[i]!.sha) : [];
  if (commitShas.length) axes.push(['commit', [...new Set(commitShas)]]);

  const tooMany = (count: number) =>
    new UserError([
      m.yaml.problem(['matrix'], `matrix expands to ${count} cells, more than the limit of ${maxCells}`, {
        key: true,
        hint: 'narrow an axis, add excludes, or raise the limit with --max-cells',
      }),
    ]);
  const before = productSize(axes);
  if (before > maxCells) throw tooMany(before);

  const entry = (e: Record<string, unknown>): Combination => {
    const flat = flattenEntry(e);
    if (typeof flat.memory === 'string') flat.memory = parseSize(flat.memory)!;
    if (typeof flat.commit === 'string' && history) {
      const r = resolveRevOrRange(history, flat.commit);
      if (r.ok) flat.commit = history.commits[r.indices[0]!]!.sha;
    }
    return flat;
  };
  const include = (data.include ?? []).map(entry);
  const combos = expandMatrix({ axes, exclude: (data.exclude ?? []).map(entry), include });
  if (combos.length > maxCells) throw tooMany(combos.length);
  // nothing to run is a mistake in the matrix, not a green run (exit 2, not a silent 0)
  if (combos.length === 0)
    throw new UserError([
      m.yaml.problem(['exclude'], 'exclude removes every combination of the matrix: no cell to run', {
        key: true,
        hint: 'narrow the exclude entries or add include entries',
      }),
    ]);

  const defaultCommit = commitShas.at(-1) ?? history?.commits.at(-1)?.sha ?? 'HEAD';
  const naming = new Map<string, CommitNaming>();
  const requests = new Map<string, KconfigRequest>();
  const machines = new Map<string, Cell['machine']>();
  let cells = combos.map((c) => toCell(c, m, defaultCommit, naming, requests, machines));
  const ids = uniqueIds(cells.map((c) => c.id));
  cells.forEach((c, i) => (c.id = ids[i]!));
  markDuplicates(cells);
  const spec = sampleSpec(m, axes, opts.sample);
  const sampled = spec ? samplePlan({ axes, combos, cells, include, spec }) : undefined;
  if (sampled) cells = sampled.cells;

  return {
    file: m.file,
    dir: m.dir,
    name: data.name,
    ...(data.description ? { description: data.description } : {}),
    backend: backendConfig(m),
    settings: {
      ...(data.jobs ? { jobs: data.jobs } : {}),
      timeoutMs: parseDuration(data.timeout)!,
      retries: data.retries,
      seed: data.seed,
    },
    cells,
    axes: axisNames(combos),
    ...(history ? { history } : {}),
    ...(sampled ? { sample: sampled.sample } : {}),
    ...(m.trees ? { trees: m.trees } : {}),
  };
}

/** The sample the plan is cut to, if any: the matrix's `sample:` under the flags' overrides. */
function sampleSpec(
  m: LoadedMatrix,
  axes: Parameters<typeof sampledAxes>[0],
  flags: PlanOptions['sample'],
): SampleSpec | undefined {
  if (flags === false) return undefined;
  const strength = flags?.strength ?? m.data.sample?.strength;
  if (strength === undefined) {
    if (flags?.seed !== undefined)
      throw new UserError('--sample-seed: the matrix has no sample: (give --sample t as well)');
    return undefined;
  }
  const names = sampledAxes(axes).map(([name]) => name);
  if (strength > names.length) {
    const message =
      `strength ${strength} is more than the ${names.length} axes a sample is over` +
      (names.length ? ` (${names.join(', ')})` : '');
    const hint = 'the commit axis is not sampled: every kept configuration runs at each commit';
    if (flags?.strength !== undefined) throw new UserError(`--sample: ${message} (${hint})`);
    throw new UserError([m.yaml.problem(['sample', 'strength'], message, { hint })]);
  }
  return { strength, seed: flags?.seed ?? m.data.sample?.seed ?? 0 };
}

function toCell(
  c: Combination,
  m: LoadedMatrix,
  defaultCommit: string,
  naming: Map<string, CommitNaming>,
  requests: Map<string, KconfigRequest>,
  machines: Map<string, Cell['machine']>,
): Cell {
  const history = m.history;
  const arch = String(c.arch ?? AXIS_DEFAULTS.arch) as Arch;
  const commit = String(c.commit ?? defaultCommit);
  const commitNames = commitNaming(history, commit, naming);
  const commitIndex = commitNames.index;
  const { trees } = m;
  const request = trees
    ? treeRequest(c, arch, commit, m, trees, requests)
    : kconfigRequest(c, arch, commit, commitNames, requests);
  const { pairs: requestedPairs, kconfig, resolved, reasons } = request;
  const machineDefault = defaultMachine(arch);
  const memory =
    typeof c.memory === 'number'
      ? c.memory
      : m.data.machine?.memory !== undefined
        ? parseSize(m.data.machine.memory)!
        : machineDefault.memory;
  const nodes = typeof c.nodes === 'number' ? c.nodes : (m.data.machine?.nodes ?? machineDefault.nodes);
  // one object per machine, shared by its cells as their Kconfig objects are (reports print each once)
  let machine = machines.get(`${memory}/${nodes}`);
  if (!machine) machines.set(`${memory}/${nodes}`, (machine = { memory, nodes }));
  const boot = String(c.boot ?? AXIS_DEFAULTS.boot);
  const workload = String(c.workload ?? AXIS_DEFAULTS.workload);
  const commitLabel =
    commitIndex !== undefined ? (history!.commits[commitIndex]!.tags[0] ?? commit.slice(0, 12)) : commit;
  const id = cellId({
    arch,
    kconfig: requestedPairs,
    boot,
    workload,
    ...(typeof c.memory === 'number' ? { memory } : {}),
    ...(typeof c.nodes === 'number' ? { nodes } : {}),
    commit,
  });
  return {
    id,
    arch,
    kconfig,
    resolved,
    boot,
    workload,
    commit,
    commitLabel,
    machine,
    ...(request.configFile ? { configHash: request.configHash!, configFile: request.configFile } : {}),
    state: reasons.length ? 'invalid' : 'run',
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
  };
}

const AXIS_ORDER = ['arch', 'kconfig.', 'boot', 'workload', 'memory', 'nodes', 'commit'];

function axisNames(combos: Combination[]): string[] {
  const keys = new Set<string>();
  for (const c of combos) for (const k of Object.keys(c)) keys.add(k);
  const rank = (k: string) => AXIS_ORDER.findIndex((p) => (p.endsWith('.') ? k.startsWith(p) : k === p));
  return [...keys].sort((a, b) => rank(a) - rank(b) || (rank(a) === 1 ? 0 : a.localeCompare(b)));
}

function backendConfig(m: LoadedMatrix): BackendConfig {
  const b = m.data.backend;
  if (b === 'sim') return { kind: 'sim' };
  return {
    kind: 'command',
    command: b.command,
    ...(b.timeout !== undefined ? { timeoutMs: parseDuration(b.timeout)! } : {}),
    ...(b.cwd ? { cwd: path.resolve(m.dir, b.cwd) } : {}),
    env: b.env ?? {},
    inputs: (b.inputs ?? []).map((f) => path.resolve(m.dir, f)),
  };
}

/** Resolve a history commit index by sha (used by backends and bisection). */
export function commitIndexOf(history: History | undefined, sha: string): number | undefined {
  return history?.index.get(sha);
}
