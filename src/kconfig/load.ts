/**
 * Parsing plus finalization: the one call that turns Kconfig sources into a resolvable tree,
 * pure over its two interfaces (tests feed it an in-memory file map and a fake shell).
 *
 * Finalization is menu_finalize's dependency propagation (scripts/kconfig/menu.c): every node
 * inherits its parent's dependencies, every property's visibility is its condition AND the node's
 * dependencies, selects and implies become the target's reverse dependencies, and a symbol's
 * direct dependency is the OR over its definitions; 'm' in conditions becomes `m && MODULES`
 * (rewrite_m). The kernel also simplifies these expressions (expr_transform,
 * expr_eliminate_dups) and regroups nodes into implicit submenus; both keep values and the
 * depth-first order conf_write uses, so resolution needs neither.
 */
import type { ExprFactory } from './expr.js';
import { globToRegExp } from './source-paths.js';
import { parseKconfig, type KconfigSource, type ParsedTree } from './parser.js';
import type { MacroHost } from './preprocess.js';
import type { Expr, KconfigTree, MenuNode, Sym } from './types.js';

/** A finalized tree plus what parsing left behind. */
export interface LoadedTree {
  readonly tree: KconfigTree;
  /** Environment variables the Kconfig files referenced, with their values. */
  readonly envUsed: ReadonlyMap<string, string>;
}

/** Parses `top` (default "Kconfig") and finalizes the menu tree. */
export function loadKconfig(src: KconfigSource, macros: MacroHost, top = 'Kconfig'): LoadedTree {
  const parsed = parseKconfig(src, macros, top);
  return { tree: finalizeTree(parsed), envUsed: parsed.envUsed };
}

/** An in-memory source: a map from path to file text (for tests and small trees). */
export function memorySource(files: Readonly<Record<string, string>>): KconfigSource {
  return {
    readFile: (p) => files[p],
    glob: (pattern) => Object.keys(files).filter((f) => globToRegExp(pattern).test(f)),
  };
}

/** A macro host with a fixed environment and a shell given as a function (no processes). */
export function memoryMacros(
  env: Readonly<Record<string, string>>,
  shell: (cmd: string) => string = () => '',
): MacroHost & { readonly messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    env: (n) => env[n],
    shell,
    info: (m) => void messages.push(m),
    warn: (m) => void messages.push(m),
  };
}

/** Turns a parsed tree into a resolvable one (mutates the parse result, which is then frozen by use). */
export function finalizeTree(parsed: ParsedTree): KconfigTree {
  const { table, root } = parsed;
  const x = table.exprs;
  const modules = parsed.modules ?? table.no;
  const rewriteM = (e: Expr | null): Expr | null => {
    if (!e) return e;
    switch (e.k) {
      case 'sym':
        return e.sym === table.mod ? x.and(e, x.sym(modules)) : e;
      case 'not': {
        const a = rewriteM(e.a)!;
        return a === e.a ? e : x.not(a);
      }
      case 'and':
      case 'or': {
        const a = rewriteM(e.a)!;
        const b = rewriteM(e.b)!;
        if (a === e.a && b === e.b) return e;
        return e.k === 'and' ? x.and(a, b) : x.or(a, b);
      }
      default:
        return e;
    }
  };
  walk(root, rewriteM, x);
  return {
    root,
    symbols: table.symbols,
    byName: table.byName,
    yes: table.yes,
    mod: table.mod,
    no: table.no,
    modules,
    get exprCount() {
      return x.count;
    },
    files: parsed.files,
  };
}

function walk(parent: MenuNode, rewriteM: (e: Expr | null) => Expr | null, x: ExprFactory): void {
  for (const node of parent.children) {
    node.dep = x.and(parent.dep, rewriteM(node.dep));
    const sym = node.sym;
    if (sym) {
      for (const prop of sym.props) {
        if (prop.node !== node) continue;
        prop.visible = x.and(node.dep, rewriteM(prop.visible));
        if (prop.kind === 'select' || prop.kind === 'imply') {
          const target = (prop.expr as { sym: Sym }).sym;
          const term = x.and(x.sym(sym), prop.visible);
          if (prop.kind === 'select') target.revDep = x.or(target.revDep, term);
          else target.implied = x.or(target.implied, term);
        }
      }
      if (node.kind !== 'choice' && parent.kind !== 'choice') sym.dirDep = x.or(sym.dirDep, node.dep);
    } else if (node.prompt) {
      node.prompt.visible = x.and(node.dep, rewriteM(node.prompt.visible));
    }
    walk(node, rewriteM, x);
  }
}
