/**
 * A real kernel tree as a matrix's source of Kconfig (the shell side of the plan): the tree on
 * disk or each commit's tree in git objects, parsed once per (tree, arch) in a process, and every
 * resolution remembered on disk by what it depends on (the tree's fingerprint, arch, base,
 * fragments, requests), so a warm plan parses nothing. .config texts are stored once each under
 * their sha256 (`<store>/<sha256>.config`): a thousand cells often share a few.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { baseConfig, kernelArch, type Base } from './bases.js';
import { explainRequests, resolvedValue } from './explain.js';
import { loadSourceTree } from './host.js';
import { gitSource } from './host-git.js';
import { diskTreeScan, symbolNamesOf, type TreeScan } from './host-scan.js';
import type { KconfigSource } from './parser.js';
import { olddefconfig, resolveConfig } from './resolve.js';
import type { KconfigTree } from './types.js';
import { TreeInputError, type KconfigTrees, type TreeResolution } from './trees.js';

/** Where configurations start: a make target, a defconfig of the tree by name, or a file. */
export type BaseSpec = 'defconfig' | 'allnoconfig' | 'tinyconfig' | { name: string } | { file: string };
/** A fragment of the tree (looked up as make does) or a file. */
export type FragmentSpec = { name: string } | { file: string };

export interface TreeOptions {
  /** A kernel tree on disk (absolute). */
  readonly srctree?: string;
  /** A repository whose commits' trees are read from git objects (when there is no srctree). */
  readonly git?: string;
  readonly base: BaseSpec;
  readonly fragments: readonly FragmentSpec[];
  /** Folder of the .config files and the memos. */
  readonly store: string;
  readonly crossCompile?: string;
}

/** A memo entry: the resolution and the size its .config must have. */
interface StoredResolution extends TreeResolution {
  readonly configBytes: number;
}

/** Bump when what a memo entry holds or the engine resolves changes. */
const MEMO_VERSION = 2;
const sha256 = (text: string): string => createHash('sha256').update(text, 'latin1').digest('hex');

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Opens a tree; nothing is parsed until a resolution misses the memo. */
export function openKconfigTrees(opts: TreeOptions): KconfigTrees {
  const scans = new Map<string, TreeScan>();
  const srctree = opts.srctree ?? opts.git!;
  const scan = (commit: string | undefined): TreeScan => {
    const key = opts.srctree ? '' : (commit ?? 'HEAD');
    let s = scans.get(key);
    if (!s) scans.set(key, (s = opts.srctree ? diskTreeScan(opts.srctree) : gitScan(opts.git!, key)));
    return s;
  };
  const configPath = (hash: string): string => join(opts.store, `${hash}.config`);
  const parsed = new Map<string, KconfigTree>();
  const parse = (s: TreeScan, archName: string): KconfigTree => {
    const key = `${s.fingerprint}\0${archName}`;
    let tree = parsed.get(key);
    if (!tree) {
      const makefile = s.source.readFile('Makefile');
      tree = loadSourceTree(s.source, s.fingerprint, srctree, archName, {
        memoFile: join(opts.store, `shell-${archName}.json`),
        ...(makefile !== undefined ? { makefile } : {}),
        ...(opts.crossCompile !== undefined ? { crossCompile: opts.crossCompile } : {}),
      }).tree;
      parsed.set(key, tree);
    }
    return tree;
  };
  /** What every resolution of one tree and arch shares: the base, fragments and memo key part. */
  interface ArchContext {
    readonly key: string;
    readonly fragments: readonly string[];
    base?: string;
  }
  const contexts = new Map<string, ArchContext>();
  const context = (s: TreeScan, archName: string): ArchContext => {
    const id = `${s.fingerprint}\0${archName}`;
    let c = contexts.get(id);
    if (!c) {
      const fragments = opts.fragments.map((f, i) => fragmentText(f, i, s.source, archName));
      const parts = [MEMO_VERSION, s.fingerprint, archName, baseKey(opts.base), fragments, opts.crossCompile];
      contexts.set(id, (c = { key: sha256(JSON.stringify(parts)), fragments }));
    }
    return c;
  };
  return {
    symbolNames: (commit) => scan(commit).symbols(),
    resolve(archName, commit, requests) {
      const s = scan(commit);
      const c = context(s, archName);
      const key = sha256(`${c.key}\0${JSON.stringify(requests)}`);
      const memoFile = join(opts.store, 'resolved', key.slice(0, 2), `${key}.json`);
      const hit = readJson<StoredResolution>(memoFile);
      // the path is made here, never read from the entry; written without fsync, after a crash an
      // entry or its .config may be empty or short: the size must match
      const hitFile = hit && /^[0-9a-f]{64}$/.test(hit.configHash) && configPath(hit.configHash);
      if (hit && hitFile && statSync(hitFile, { throwIfNoEntry: false })?.size === hit.configBytes)
        return { ...hit, configFile: hitFile };
      const tree = parse(s, archName);
      c.base ??= baseConfig(tree, baseOf(opts.base, s.source, archName, tree), s.source, arch(archName));
      const stored = resolveAndStore(tree, c.base, c.fragments, requests, archName, configPath);
      writeFileAtomic(memoFile, JSON.stringify(stored), { durable: false });
      return stored;
    },
  };
}

/** A miss: make olddefconfig on the parsed tree, the .config stored (once) under its sha256. */
function resolveAndStore(
  tree: KconfigTree,
  base: string,
  fragments: readonly string[],
  requests: Readonly<Record<string, string>>,
  archName: string,
  configPath: (hash: string) => string,
): StoredResolution {
  const res = resolveConfig(tree, base, fragments, requests);
  const configHash = sha256(res.config);
  const configFile = configPath(configHash);
  // the engine reads and writes bytes as latin1 text, as conf handles them
  const bytes = Buffer.from(res.config, 'latin1');
  if (statSync(configFile, { throwIfNoEntry: false })?.size !== bytes.length)
    writeFileAtomic(configFile, bytes, { durable: false });
  return {
    configHash,
    configFile,
    values: Object.fromEntries(Object.keys(requests).map((n) => [n, resolvedValue(res, n)])),
    reasons: explainRequests(res, requests, `on ${archName}`).map((u) => u.reason),
    configBytes: bytes.length,
  };
}

function arch(name: string) {
  const a = kernelArch(name);
  if (!a) throw new Error(`unknown arch ${name}`);
  return a;
}

/** The base in the memo key: a file's content, not its name. */
function baseKey(base: BaseSpec): unknown {
  return typeof base === 'object' && 'file' in base ? { text: readFileSync(base.file, 'latin1') } : base;
}

function baseOf(base: BaseSpec, src: KconfigSource, archName: string, tree: KconfigTree): Base {
  if (typeof base === 'string') return base;
  if ('file' in base) return { config: readFileSync(base.file, 'latin1') };
  const path = `arch/${arch(archName).srcarch}/configs/${base.name}`;
  const text = src.readFile(path);
  if (text === undefined) throw new TreeInputError(['base'], `no ${path} in the tree for ${archName}`);
  // `make NAME` is conf --defconfig: olddefconfig on the file
  return { config: olddefconfig(tree, text).config };
}

/** A fragment's text: files as given; names as make finds them (kernel/configs, then the arch's). */
function fragmentText(f: FragmentSpec, i: number, src: KconfigSource, archName: string): string {
  if ('file' in f) return readFileSync(f.file, 'latin1');
  const places = [`kernel/configs/${f.name}`, `arch/${arch(archName).srcarch}/configs/${f.name}`];
  for (const p of places) {
    const text = src.readFile(p);
    if (text !== undefined) return text;
  }
  throw new TreeInputError(['fragments', i], `fragment ${f.name} is in neither ${places.join(' nor ')}`);
}

function gitScan(repo: string, commit: string): TreeScan {
  const source = gitSource(repo, commit);
  let names: Set<string> | undefined;
  return {
    fingerprint: source.treeSha,
    source,
    symbols: () => (names ??= symbolNamesOf(source.paths, source)),
  };
}
