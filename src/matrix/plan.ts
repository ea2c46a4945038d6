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
import { expandMatrix, flattenEntry, productSize, type AxisValue, type Combination } from './expand.js';
import { resolveKconfig, type Resolution } from '../kconfig/declared.js';
import { loadMatrix, type LoadedMatrix } from './load.js';
import type { BackendConfig, Plan } from './plan-types.js';
import type { YamlMemo } from '../yaml/yaml.js';
import type { Arch, Cell, Tristate } from './types.js';
import { parseDuration, parseSize } from './units.js';

export const DEFAULT_MAX_CELLS = 100_000;
/** Documented defaults for axes a combination lacks. */
export const AXIS_DEFAULTS = { arch: 'x86_64', boot: '', workload: 'boot' } as const;

export interface PlanOptions {
  maxCells?: number;
  /** Remembered parses of history files (see YamlMemo). */
  yamlMemo?: YamlMemo;
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
  const combos = expandMatrix({
    axes,
    exclude: (data.exclude ?? []).map(entry),
    include: (data.include ?? []).map(entry),
  });
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
  const cells = combos.map((c) => toCell(c, m, defaultCommit, naming, requests, machines));
  const ids = uniqueIds(cells.map((c) => c.id));
  cells.forEach((c, i) => (c.id = ids[i]!));
  markDuplicates(cells);

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
  };
}

const resolutionCache = new Map<string, Resolution>();

/** The Kconfig names in force at a commit, computed once per commit of a plan (100,000 cells share a few). */
interface CommitNaming {
  index: number | undefined;
  names: Record<string, string | null> | undefined;
  /**
   * Stands for `names` (equal names, equal key) in the resolution cache key: short, as every cell hashes it.
   */
  key: string;
  /** Current name -> canonical name. */
  canonical: Map<string, string> | undefined;
}

const interned = new Map<string, string>();

/** A short stand-in for a long text, equal for equal texts. */
function intern(text: string): string {
  let id = interned.get(text);
  if (id === undefined) interned.set(text, (id = `#${interned.size}`));
  return id;
}

function commitNaming(
  history: History | undefined,
  commit: string,
  memo: Map<string, CommitNaming>,
): CommitNaming {
  let n = memo.get(commit);
  if (!n) {
    const index = history?.index.get(commit);
    const names = index !== undefined ? history!.stateAt(index).symbolNames : undefined;
    let canonical: Map<string, string> | undefined;
    if (names) {
      canonical = new Map();
      // the first canonical name wins, as a linear search over the entries would find it
      for (const [c, current] of Object.entries(names))
        if (current !== null && !canonical.has(current)) canonical.set(current, c);
    }
    n = { index, names, key: names ? intern(JSON.stringify(names)) : '', canonical };
    memo.set(commit, n);
  }
  return n;
}

/**
 * What a cell's Kconfig request comes to at its commit: the
 * same for every cell with the same arch, commit and request.
 */
interface KconfigRequest {
  /** Requested symbols in axis order, as the matrix names them. */
  pairs: ReadonlyArray<readonly [string, string]>;
  kconfig: Record<string, Tristate>;
  resolved: Record<string, Tristate>;
  reasons: readonly string[];
}

/** A plan's cells share a few requests: each is resolved once and its objects are shared by its cells. */
function kconfigRequest(
  c: Combination,
  arch: Arch,
  commit: string,
  naming: CommitNaming,
  memo: Map<string, KconfigRequest>,
): KconfigRequest {
  let key = `${arch}\u0000${commit}`;
  for (const k in c) if (k.startsWith('kconfig.')) key += `\u0000${k}\u0000${String(c[k])}`;
  let request = memo.get(key);
  if (request) return request;
  const { names, key: namesKey, canonical: canonicalNames } = naming;
  const pairs = Object.entries(c)
    .filter(([k]) => k.startsWith('kconfig.'))
    .map(([k, v]) => [k.slice('kconfig.'.length), String(v)] as const);
  const reasons: string[] = [];
  const canonicalRequest: Record<string, Tristate> = {};
  for (const [name, v] of pairs) {
    const canonical = canonicalNames ? canonicalNames.get(name) : name;
    if (canonical === undefined) reasons.push(missingSymbol(name, names, commit));
    else canonicalRequest[canonical] = v as Tristate;
  }
  const exists = (sym: string) => !names || names[sym] !== null;
  const resKey = `${arch}|${JSON.stringify(canonicalRequest)}|${namesKey}`;
  let res = resolutionCache.get(resKey);
  if (!res) {
    res = resolveKconfig(arch, canonicalRequest, exists);
    resolutionCache.set(resKey, res);
  }
  reasons.push(...res.reasons);
  request = {
    pairs,
    kconfig: Object.fromEntries(pairs) as Record<string, Tristate>,
    resolved: res.resolved,
    reasons,
  };
  memo.set(key, request);
  return request;
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
  const {
    pairs: requestedPairs,
    kconfig,
    resolved,
    reasons,
  } = kconfigRequest(c, arch, commit, commitNames, requests);
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
    state: reasons.length ? 'invalid' : 'run',
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
  };
}

function missingSymbol(
  name: string,
  names: Record<string, string | null> | undefined,
  commit: string,
): string {
  const current = names?.[name];
  const at = commit.slice(0, 12);
  if (current) return `${name} does not exist at ${at}: it is called ${current} there`;
  return `${name} does not exist at ${at}`;
}

/** Cells equal in everything that reaches the backend run once; later ones point at the first. */
function markDuplicates(cells: Cell[]): void {
  const first = new Map<string, string>();
  // cells share their resolved objects (the resolution cache) and a few boot lines: text them once
  const resolvedText = new Map<Record<string, Tristate>, string>();
  const bootText = new Map<string, string>();
  for (const c of cells) {
    if (c.state !== 'run') continue;
    let resolved = resolvedText.get(c.resolved);
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
