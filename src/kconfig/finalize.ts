/**
 * menu_finalize's dependency propagation (scripts/kconfig/menu.c): every node inherits its
 * parent's dependencies, every property's visibility is its condition AND the node's dependencies,
 * selects and implies become the target's reverse dependencies, and a symbol's direct
 * dependency is the OR over its definitions. 'm' in conditions becomes `m && MODULES` (rewrite_m).
 *
 * The kernel also simplifies these expressions (expr_transform, expr_eliminate_dups) and
 * regroups nodes into implicit submenus; both keep values and the depth-first order that
 * conf_write uses, so neither is needed for resolution.
 */
import type { ExprFactory } from './expr.js';
import type { ParsedTree } from './parser.js';
import type { Expr, KconfigTree, MenuNode, Sym } from './types.js';

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
