/**
 * The matrix's top-level `kconfig:`: a real kernel tree (kconfig.tree, or the history's git
 * repository), its base and fragments, checked where the file names them and opened as the
 * plan's source of Kconfig. Reads the file system (the tree, the files named): part of the loader.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Problem } from '../errors.js';
import type { History } from '../history/types.js';
import { openKconfigTrees, type BaseSpec, type FragmentSpec } from '../kconfig/host-trees.js';
import type { KconfigTrees } from '../kconfig/trees.js';
import type { ParsedYaml } from '../yaml/yaml.js';

const TARGETS = ['defconfig', 'allnoconfig', 'tinyconfig'];

/** Where stored .config files and the resolution memo go: $KMATRIX_CONFIG_DIR or .kmatrix/configs. */
export function configStore(): string {
  return path.resolve(process.env.KMATRIX_CONFIG_DIR ?? path.join('.kmatrix', 'configs'));
}

const isFile = (f: string): boolean => statSync(f, { throwIfNoEntry: false })?.isFile() ?? false;

/** A name with a slash is a file relative to the matrix; one without is looked up in the tree. */
const isPath = (name: string): boolean => name.includes('/');

/**
 * The tree of a matrix with a top-level `kconfig:`; undefined without one, or when a problem
 * (pushed onto `problems`, located) leaves nothing to open.
 */
export function openMatrixTree(
  yaml: ParsedYaml,
  raw: Record<string, unknown>,
  dir: string,
  history: History | undefined,
  problems: Problem[],
): KconfigTrees | undefined {
  const k = raw.kconfig;
  if (!k || typeof k !== 'object' || Array.isArray(k)) return undefined;
  const { tree, base = 'defconfig', fragments = [] } = k as Record<string, unknown>;
  const before = problems.length;
  const gitRepo = gitRepository(raw, dir, history);
  let srctree: string | undefined;
  if (typeof tree === 'string') {
    srctree = path.resolve(dir, tree);
    if (!isFile(path.join(srctree, 'Kconfig')))
      problems.push(
        yaml.problem(['kconfig', 'tree'], `${tree} is not a kernel tree: it has no Kconfig file`),
      );
  } else if (tree === undefined && !gitRepo)
    problems.push(
      yaml.problem(['kconfig'], 'kconfig needs a tree', {
        key: true,
        hint: 'give tree: <kernel source folder>, or history: {git: <kernel repository>}',
      }),
    );
  if (raw.backend === undefined || raw.backend === 'sim')
    problems.push(
      yaml.problem(['kconfig'], 'a real kernel tree needs a command backend', {
        key: true,
        hint: 'the simulator knows only its declared symbols: give backend: {command: [...]}',
      }),
    );
  const file = (name: string, at: Array<string | number>): string => {
    const f = path.resolve(dir, name);
    if (!isFile(f)) problems.push(yaml.problem(['kconfig', ...at], `no such file ${name}`));
    return f;
  };
  let baseSpec: BaseSpec = 'defconfig';
  if (typeof base === 'string')
    baseSpec = TARGETS.includes(base)
      ? (base as BaseSpec)
      : isPath(base)
        ? { file: file(base, ['base']) }
        : { name: base };
  const fragmentSpecs: FragmentSpec[] = (Array.isArray(fragments) ? fragments : []).map((f, i) =>
    typeof f === 'string' && isPath(f) ? { file: file(f, ['fragments', i]) } : { name: String(f) },
  );
  if (problems.length > before) return undefined;
  return openKconfigTrees({
    ...(srctree ? { srctree } : { git: gitRepo! }),
    base: baseSpec,
    fragments: fragmentSpecs,
    store: configStore(),
  });
}

/** The symbols of the tree at the matrix's commits (the newest one when it names none). */
export function treeSymbolNames(
  trees: KconfigTrees,
  history: History | undefined,
  indices: number[],
): Set<string> {
  if (!history) return new Set(trees.symbolNames(undefined));
  const shas = indices.length ? indices.map((i) => history.commits[i]!.sha) : [history.commits.at(-1)?.sha];
  const names = new Set<string>();
  for (const sha of new Set(shas)) for (const n of trees.symbolNames(sha)) names.add(n);
  return names;
}

function gitRepository(raw: Record<string, unknown>, dir: string, history: History | undefined) {
  const h = raw.history as { git?: unknown } | undefined;
  return history && h && typeof h === 'object' && typeof h.git === 'string'
    ? path.resolve(dir, h.git)
    : undefined;
}
