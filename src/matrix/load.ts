/**
 * Load a matrix file: YAML with positions, the schema, then the checks the schema cannot
 * make (Kconfig symbols, workloads, boot parameters, the history and its commits). Every
 * problem of the file is collected and thrown at once as a UserError.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError, type Problem } from '../errors.js';
import { resolveRevOrRange } from '../history/revs.js';
import type { History } from '../history/types.js';
import { parseBootParams } from '../sim/bootparams.js';
import { didYouMean } from '../util/suggest.js';
import { isKnownSymbol } from '../kconfig/declared.js';
import { SYMBOL_NAMES } from '../kconfig/declared-model.js';
import type { KconfigTrees } from '../kconfig/trees.js';
import { openMatrixTree, treeSymbolNames } from './load-tree.js';
import { AxesSchema, EntrySchema, KconfigTreeSchema, MatrixFileSchema, type MatrixFile } from './schema.js';
import { issuesToProblems } from '../yaml/schema-problems.js';
import { WORKLOADS } from './types.js';
import {
  MAX_YAML_BYTES,
  nulProblems,
  parseYaml,
  type ParsedYaml,
  type PathKey,
  type YamlMemo,
} from '../yaml/yaml.js';

export interface LoadedMatrix {
  file: string;
  dir: string;
  yaml: ParsedYaml;
  data: MatrixFile;
  history?: History;
  /** Commit indices of `commits:` in order (empty when the matrix names none). */
  commitIndices: number[];
  /** The real kernel tree of a top-level `kconfig:` (the declared model without one). */
  trees?: KconfigTrees;
}

const COMMAND_KEYS = ['command', 'timeout', 'cwd', 'env', 'inputs'];

function keysAt(p: readonly PathKey[]): readonly string[] {
  if (p.length === 0) return Object.keys(MatrixFileSchema.shape);
  if (p[0] === 'matrix' && p.length === 1) return Object.keys(AxesSchema.shape);
  if ((p[0] === 'include' || p[0] === 'exclude') && p.length === 2) return Object.keys(EntrySchema.shape);
  if (p[0] === 'backend') return COMMAND_KEYS;
  if (p[0] === 'machine') return ['memory', 'nodes'];
  if (p[0] === 'history') return ['git', 'firstParent'];
  if (p[0] === 'sample') return ['strength', 'seed'];
  if (p[0] === 'kconfig' && p.length === 1) return Object.keys(KconfigTreeSchema.shape);
  return [];
}

/** Read a text file as a located user error when it cannot be read. */
export function readUserFile(
  file: string,
  what: string,
  from?: { yaml: ParsedYaml; path: PathKey[] },
): string {
  const shown = path.relative(process.cwd(), file) || file;
  const fail = (message: string): never => {
    if (from) throw new UserError([from.yaml.problem(from.path, message)]);
    throw new UserError([{ file, line: 1, col: 1, path: '', message }]);
  };
  const cannot = (e: unknown) => {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    return fail(`cannot read ${what} ${shown}: ${reason}`);
  };
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (e) {
    return cannot(e);
  }
  if (!st.isFile()) fail(`${what} ${shown} is not a file`);
  if (st.size > MAX_YAML_BYTES)
    fail(`${what} ${shown} is ${st.size} bytes, larger than the ${MAX_YAML_BYTES} bytes allowed`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    return cannot(e);
  }
}

export async function loadMatrix(file: string, opts: { yamlMemo?: YamlMemo } = {}): Promise<LoadedMatrix> {
  return loadMatrixText(file, readUserFile(file, 'matrix file'), opts);
}

/**
 * Load a matrix from its text; `file` names it in problems and anchors relative paths (the
 * history). Every rejection is a UserError of located problems.
 */
export async function loadMatrixText(
  file: string,
  text: string,
  opts: { yamlMemo?: YamlMemo } = {},
): Promise<LoadedMatrix> {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) throw new UserError(parsed.problems);
  const { yaml } = parsed;
  // jitless: a matrix is parsed once per process, and zod's compiled fast path (new Function
  // per object schema) costs more start-up time than it saves on a document this small
  const result = MatrixFileSchema.safeParse(yaml.value, { jitless: true });
  const problems: Problem[] = result.success ? [] : issuesToProblems(yaml, result.error.issues, keysAt);
  problems.push(...nulProblems(yaml));
  const raw = (yaml.value ?? {}) as Record<string, unknown>;
  const dir = path.dirname(path.resolve(file));

  let history: History | undefined;
  const h = raw.history;
  if (typeof h === 'string' && h) {
    const hfile = path.resolve(dir, h);
    const shown = path.relative(process.cwd(), hfile) || hfile;
    // loaded only for a matrix with a history: its schemas (and the simulator switches') take start-up time
    const { parseSimHistory } = await import('../history/sim-history.js');
    try {
      const r = parseSimHistory(
        shown,
        readUserFile(hfile, 'history file', { yaml, path: ['history'] }),
        opts.yamlMemo,
      );
      if (r.ok) history = r.history;
      else problems.push(...r.problems);
    } catch (e) {
      if (!(e instanceof UserError) || typeof e.problems === 'string') throw e;
      problems.push(...e.problems);
    }
  } else if (h && typeof h === 'object' && typeof (h as { git?: unknown }).git === 'string') {
    history = await loadGit(yaml, dir, h as { git: string; firstParent?: boolean }, problems);
  }

  const commitIndices = checkCommits(yaml, raw, history, problems);
  problems.push(...checkBackendCwd(yaml, raw, dir));
  const trees = openMatrixTree(yaml, raw, dir, history, problems);
  // a top-level kconfig: that could not be opened has been reported: its symbols go unchecked
  const symbols: KnownSymbols = trees
    ? { tree: treeSymbolNames(trees, history, commitIndices) }
    : raw.kconfig !== undefined
      ? { tree: null }
      : { history: history ? historySymbolNames(history) : new Set() };
  problems.push(...checkSemantics(yaml, raw, symbols));
  if (problems.length) throw new UserError(sortProblems(problems));
  return {
    file,
    dir,
    yaml,
    data: result.data!,
    ...(history ? { history } : {}),
    commitIndices,
    ...(trees ? { trees } : {}),
  };
}

/** A missing `backend.cwd` would fail every cell as "cannot run <program>": say it here, located. */
function checkBackendCwd(yaml: ParsedYaml, raw: Record<string, unknown>, dir: string): Problem[] {
  const cwd = isMapping(raw.backend) ? raw.backend.cwd : undefined;
  if (typeof cwd !== 'string' || cwd.includes('\0')) return [];
  let isDir = false;
  try {
    isDir = statSync(path.resolve(dir, cwd)).isDirectory();
  } catch {
    // reported below
  }
  return isDir
    ? []
    : [
        yaml.problem(['backend', 'cwd'], `no such directory ${cwd}`, {
          hint: 'cwd is relative to the matrix file',
        }),
      ];
}

async function loadGit(
  yaml: ParsedYaml,
  dir: string,
  h: { git: string; firstParent?: boolean },
  problems: Problem[],
): Promise<History | undefined> {
  const repo = path.resolve(dir, h.git);
  try {
    // loaded here: a matrix without a git history never pays for the git module
    const { loadGitHistory } = await import('../history/git.js');
    return await loadGitHistory(repo, { firstParent: h.firstParent ?? true });
  } catch (e) {
    problems.push(
      yaml.problem(
        ['history', 'git'],
        `cannot read git repository ${repo}: ${(e as Error).message.split('\n')[0]}`,
      ),
    );
    return undefined;
  }
}

function checkCommits(
  yaml: ParsedYaml,
  raw: Record<string, unknown>,
  history: History | undefined,
  problems: Problem[],
): number[] {
  const commits = Array.isArray(raw.commits) ? raw.commits : [];
  const out: number[] = [];
  commits.forEach((c, i) => {
    if (typeof c !== 'string') return;
    if (!history) {
      if (raw.history === undefined)
        problems.push(
          yaml.problem(['commits', i], `commit ${c} given but the matrix has no history`, {
            hint: 'add history: histories/<file>.yaml',
          }),
        );
      return;
    }
    const r = resolveRevOrRange(history, c);
    if (r.ok) out.push(...r.indices);
    else problems.push(yaml.problem(['commits', i], r.message, r.hint ? { hint: r.hint } : {}));
  });
  for (const list of ['include', 'exclude'] as const) {
    const entries = Array.isArray(raw[list]) ? (raw[list] as unknown[]) : [];
    entries.forEach((e, i) => {
      const c = e && typeof e === 'object' ? (e as Record<string, unknown>).commit : undefined;
      if (typeof c !== 'string') return;
      if (!history) {
        if (raw.history === undefined)
          problems.push(yaml.problem([list, i, 'commit'], `commit ${c} given but the matrix has no history`));
      } else {
        const r = resolveRevOrRange(history, c);
        if (!r.ok)
          problems.push(yaml.problem([list, i, 'commit'], r.message, r.hint ? { hint: r.hint } : {}));
        else if (r.indices.length !== 1)
          problems.push(yaml.problem([list, i, 'commit'], `an ${list} entry names one commit, not a range`));
      }
    });
  }
  return out;
}

/** Every symbol name some commit of the history uses (old names of renamed symbols included). */
function historySymbolNames(history: History): Set<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  for (let i = 0; i < history.commits.length; i++) {
    const n = history.stateAt(i).symbolNames;
    if (seen.has(n)) continue;
    seen.add(n);
    for (const v of Object.values(n)) if (v) names.add(v);
  }
  return names;
}

/** Symbols a matrix may name: a real tree's, or the declared model's and its history's. */
type KnownSymbols = { tree: ReadonlySet<string> | null } | { history: ReadonlySet<string> };

/** Checks on the raw value that the schema cannot make; defensive about types (the schema reports those). */
function checkSemantics(yaml: ParsedYaml, raw: Record<string, unknown>, known: KnownSymbols): Problem[] {
  const problems: Problem[] = [];
  const isSim = raw.backend === undefined || raw.backend === 'sim';
  const matrix = (raw.matrix && typeof raw.matrix === 'object' ? raw.matrix : {}) as Record<string, unknown>;
  const symbol = (name: string, at: PathKey[], values: unknown) => {
    if (!/^[A-Z0-9_]+$/.test(name)) return;
    if ('tree' in known) {
      if (known.tree && !known.tree.has(name))
        problems.push(
          yaml.problem(at, `unknown Kconfig symbol ${name}`, {
            key: true,
            ...withHint(didYouMean(name, known.tree)),
          }),
        );
      return;
    }
    if (!isKnownSymbol(name) && !known.history.has(name))
      problems.push(
        yaml.problem(at, `unknown Kconfig symbol ${name}`, {
          key: true,
          hint: didYouMean(name, [...SYMBOL_NAMES, ...known.history]) ?? `known: ${SYMBOL_NAMES.join(', ')}`,
        }),
      );
    const list = Array.isArray(values) ? values : [values];
    list.forEach((v, i) => {
      if (v !== 'y' && v !== 'n' && (typeof v === 'string' || typeof v === 'number'))
        problems.push(
          yaml.problem(
            Array.isArray(values) ? [...at, i] : at,
            `unknown Kconfig value ${JSON.stringify(v)}`,
            { hint: 'the declared model takes y or n; m, numbers and strings need kconfig: {tree: ...}' },
          ),
        );
    });
  };
  const workload = (w: unknown, at: PathKey[]) => {
    if (isSim && typeof w === 'string' && !(WORKLOADS as readonly string[]).includes(w))
      problems.push(
        yaml.problem(at, `unknown workload "${w}"`, {
          hint: didYouMean(w, WORKLOADS) ?? `the simulator runs: ${WORKLOADS.join(', ')}`,
        }),
      );
  };
  const boot = (b: unknown, at: PathKey[]) => {
    // a NUL is refused on its own (nulProblems): one problem, not two
    if (typeof b !== 'string' || b.includes('\0')) return;
    for (const p of parseBootParams(b, 'x86_64').problems)
      problems.push(
        yaml.problem(at, `boot parameter ${p.param}: ${p.message}`, {
          offset: p.offset,
          ...(p.hint ? { hint: p.hint } : {}),
        }),
      );
  };
  const kconfig = isMapping(matrix.kconfig) ? matrix.kconfig : {};
  for (const [sym, v] of Object.entries(kconfig)) symbol(sym, ['matrix', 'kconfig', sym], v);
  if (Array.isArray(matrix.workload))
    matrix.workload.forEach((w, i) => workload(w, ['matrix', 'workload', i]));
  if (Array.isArray(matrix.boot)) matrix.boot.forEach((b, i) => boot(b, ['matrix', 'boot', i]));
  const axes = new Set([
    ...Object.keys(matrix).filter((k) => k !== 'kconfig'),
    ...Object.keys(kconfig).map((s) => `kconfig.${s}`),
    ...(Array.isArray(raw.commits) ? ['commit'] : []),
  ]);
  for (const list of ['include', 'exclude'] as const) {
    const entries = Array.isArray(raw[list]) ? (raw[list] as unknown[]) : [];
    entries.forEach((e, i) => {
      if (!e || typeof e !== 'object') return;
      const entry = e as Record<string, unknown>;
      if (Object.keys(entry).length === 0) problems.push(yaml.problem([list, i], `empty ${list} entry`));
      const kc = isMapping(entry.kconfig) ? entry.kconfig : {};
      for (const [sym, v] of Object.entries(kc)) symbol(sym, [list, i, 'kconfig', sym], v);
      workload(entry.workload, [list, i, 'workload']);
      boot(entry.boot, [list, i, 'boot']);
      if (list === 'exclude') {
        const keys = [
          ...Object.keys(entry).filter((k) => k !== 'kconfig'),
          ...Object.keys(kc).map((s) => `kconfig.${s}`),
        ];
        for (const k of keys)
          if ((k in EntrySchema.shape || k.startsWith('kconfig.')) && !axes.has(k))
            problems.push(
              yaml.problem(
                k.startsWith('kconfig.') ? [list, i, 'kconfig', k.slice(8)] : [list, i, k],
                `exclude key ${k} is not an axis of the matrix`,
                { key: true, hint: `axes: ${[...axes].join(', ')}` },
              ),
            );
      }
    });
  }
  return problems;
}

const withHint = (hint: string | undefined) => (hint ? { hint } : {});

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sortProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems
    .filter((p) => {
      const k = `${p.file}:${p.line}:${p.col}:${p.message}`;
      return seen.has(k) ? false : (seen.add(k), true);
    })
    .sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
