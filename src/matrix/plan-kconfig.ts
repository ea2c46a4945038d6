/**
 * What a cell's Kconfig request comes to at its commit, resolved once per (arch, commit,
 * request) of a plan: with the simulator's declared model, or with a real kernel tree
 * (kconfig.tree, or the history's git repository) as `make olddefconfig` resolves it.
 */
import { UserError } from '../errors.js';
import type { History } from '../history/types.js';
import { resolveKconfig, type Resolution } from '../kconfig/declared.js';
import { TreeInputError, type KconfigTrees, type TreeResolution } from '../kconfig/trees.js';
import { KconfigError } from '../kconfig/types.js';
import type { Combination } from './expand.js';
import type { LoadedMatrix } from './load.js';
import type { Plan } from './plan-types.js';
import type { Arch, Cell, Tristate } from './types.js';

const resolutionCache = new Map<string, Resolution>();

/** The Kconfig names in force at a commit, computed once per commit of a plan (100,000 cells share a few). */
export interface CommitNaming {
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
export function intern(text: string): string {
  let id = interned.get(text);
  if (id === undefined) interned.set(text, (id = `#${interned.size}`));
  return id;
}

export function commitNaming(
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
export interface KconfigRequest {
  /** Requested symbols in axis order, as the matrix names them. */
  pairs: ReadonlyArray<readonly [string, string]>;
  kconfig: Record<string, string>;
  resolved: Record<string, string>;
  reasons: readonly string[];
  /** With a real tree: the full .config, stored under its sha256. */
  configHash?: string;
  configFile?: string;
}

/** A plan's cells share a few requests: each is resolved once and its objects are shared by its cells. */
export function kconfigRequest(
  c: Combination,
  arch: Arch,
  commit: string,
  naming: CommitNaming,
  memo: Map<string, KconfigRequest>,
): KconfigRequest {
  const key = requestKey(c, arch, commit);
  let request = memo.get(key);
  if (request) return request;
  const { names, key: namesKey, canonical: canonicalNames } = naming;
  const pairs = requestPairs(c);
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
    kconfig: Object.fromEntries(pairs),
    resolved: res.resolved,
    reasons,
  };
  memo.set(key, request);
  return request;
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

function requestKey(c: Combination, arch: Arch, commit: string): string {
  let key = `${arch}\u0000${commit}`;
  for (const k in c) if (k.startsWith('kconfig.')) key += `\u0000${k}\u0000${String(c[k])}`;
  return key;
}

/** The requested symbols in axis order, as the matrix names them. */
function requestPairs(c: Combination): Array<readonly [string, string]> {
  return Object.entries(c)
    .filter(([k]) => k.startsWith('kconfig.'))
    .map(([k, v]) => [k.slice('kconfig.'.length), String(v)] as const);
}

/**
 * A cell moved to another commit (a bisection probe) with its .config made there: a git tree
 * differs per commit. Cells of the declared model, or of one tree on disk, are returned as they are.
 */
export function cellAtCommit(plan: Plan, cell: Cell): Cell {
  const { trees, history } = plan;
  if (!trees || !history || !cell.configFile) return cell;
  const r = located(() => trees.resolve(cell.arch, cell.commit, cell.kconfig));
  return { ...cell, resolved: { ...r.values }, configHash: r.configHash, configFile: r.configFile };
}

/** Kconfig errors of a tree (syntax at some commit) as the located user errors they are. */
function located<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KconfigError)
      throw new UserError([{ file: e.file, line: e.line, col: e.col, path: '', message: e.reason }]);
    throw e;
  }
}

/** A cell's request resolved on a real tree: its .config, the requested values, unmet requests. */
export function treeRequest(
  c: Combination,
  arch: Arch,
  commit: string,
  m: Pick<LoadedMatrix, 'history' | 'yaml'>,
  trees: KconfigTrees,
  memo: Map<string, KconfigRequest>,
): KconfigRequest {
  const key = requestKey(c, arch, commit);
  let request = memo.get(key);
  if (request) return request;
  const pairs = requestPairs(c);
  const kconfig = Object.fromEntries(pairs);
  let r: TreeResolution;
  try {
    r = located(() => trees.resolve(arch, m.history ? commit : undefined, kconfig));
  } catch (e) {
    if (e instanceof TreeInputError) throw new UserError([m.yaml.problem(['kconfig', ...e.at], e.message)]);
    throw e;
  }
  request = { pairs, kconfig, resolved: { ...r.values }, reasons: r.reasons };
  request.configHash = r.configHash;
  request.configFile = r.configFile;
  memo.set(key, request);
  return request;
}
