/**
 * The engine's entry points, each the exact equivalent of a make target on a parsed tree:
 * `conf --defconfig`, `conf --allnoconfig` (with KCONFIG_ALLCONFIG), `conf --olddefconfig`,
 * and the whole kmatrix request: base + merged fragments + requested values, then olddefconfig.
 */
import { applyConfigLines, parseConfigLines, readConfig, writeConfig, type ConfigLine } from './confdata.js';
import { DEF_USER, Evaluation } from './evaluate.js';
import { affectedBy } from './incremental.js';
import { mergeRequest, mergedBase, type MergedRequest, type ParsedBase } from './request-lines.js';
import type { KconfigTree, Sym } from './types.js';

/** A resolved configuration: the .config text and the evaluation behind it (for explanations). */
export interface Resolved {
  readonly config: string;
  readonly evaluation: Evaluation;
  readonly warnings: readonly string[];
}

/** Values asked for by name (without CONFIG_): y/m/n for bool and tristate, text otherwise. */
export type Requests = Readonly<Record<string, string>>;

/** conf --olddefconfig (and --defconfig, which differs only in the file read). */
export function olddefconfig(tree: KconfigTree, config: string): Resolved {
  return olddefconfigLines(tree, parseConfigLines(tree.byName, config));
}

/** conf --olddefconfig of a .config already split into parsed lines. */
function olddefconfigLines(tree: KconfigTree, lines: readonly ConfigLine[]): Resolved {
  const ev = new Evaluation(tree);
  const warnings = applyConfigLines(ev, lines);
  ev.invalidate();
  return { config: writeConfig(ev), evaluation: ev, warnings };
}

/** conf --allnoconfig, after reading KCONFIG_ALLCONFIG's file when one is given. */
export function allnoconfig(tree: KconfigTree, allconfig?: string): Resolved {
  const ev = new Evaluation(tree);
  const warnings = allconfig === undefined ? [] : readConfig(ev, allconfig);
  const visit = (nodes: KconfigTree['root']['children']): void => {
    for (const n of nodes) {
      const s = n.sym;
      if (s && n.prompt && s.name !== null && !ev.hasUser(s) && !s.choiceNode) {
        if (s.type === 'bool' || s.type === 'tristate') {
          ev.userTri[s.id] = 0;
          ev.flags[s.id]! |= DEF_USER;
        }
      }
      visit(n.children);
    }
  };
  visit(tree.root.children);
  ev.invalidate();
  return { config: writeConfig(ev), evaluation: ev, warnings };
}

/** The fragment line that asks for `value` (a `# ... is not set` line for n). */
export function requestLine(sym: Sym | undefined, name: string, value: string): string {
  if (value === 'n' && (!sym || sym.type === 'bool' || sym.type === 'tristate'))
    return `# CONFIG_${name} is not set`;
  if (sym?.type === 'string') return `CONFIG_${name}="${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  return `CONFIG_${name}=${value}`;
}

/** Requests as a fragment, in the order given. */
export function requestsFragment(tree: KconfigTree, requests: Requests): string {
  return Object.entries(requests)
    .map(([name, value]) => `${requestLine(tree.byName.get(name), name, value)}\n`)
    .join('');
}

/** make olddefconfig on base + fragments (merge_config.sh -m order) + requests as a last fragment. */
export function resolveConfig(
  tree: KconfigTree,
  base: string,
  fragments: readonly string[] = [],
  requests: Requests = {},
): Resolved {
  // merging the requests last is merging base + fragments first: that part is the same for every cell
  const merged = mergedBase(base, fragments);
  if (!Object.keys(requests).length) return olddefconfig(tree, merged);
  const request = mergeRequest(tree, merged, requestsFragment(tree, requests));
  return fromBase(tree, request) ?? olddefconfigLines(tree, request.lines);
}

const baseEvaluations = new WeakMap<ParsedBase, Evaluation>();

/**
 * The request resolved from its base's evaluation, calculating again only what the changed user
 * values can reach (incremental.ts); undefined when that needs a full evaluation.
 */
function fromBase(tree: KconfigTree, request: MergedRequest): Resolved | undefined {
  const { base } = request;
  const affected = affectedBy(tree, request.changed);
  if (!affected) return undefined;
  let base0 = baseEvaluations.get(base);
  if (!base0) {
    base0 = olddefconfigLines(tree, base.lines).evaluation;
    baseEvaluations.set(base, base0);
  }
  const ev = Evaluation.copyOf(base0);
  for (const s of request.changed) ev.clearUser(s.id);
  applyConfigLines(ev, request.lines, '.config', request.fragStart);
  ev.forget(affected);
  const config = writeConfig(ev);
  return {
    config,
    evaluation: ev,
    // what conf would warn about reading the merged file: asked for rarely, so read again then
    get warnings() {
      return applyConfigLines(new Evaluation(tree), request.lines);
    },
  };
}
