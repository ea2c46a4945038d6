/**
 * Resolving a cell from its base's evaluation instead of from nothing: a plan resolves thousands
 * of cells that differ from one base in a few requested symbols. Only the symbols whose value
 * can depend on what changed are calculated again: the requested ones and, transitively, every
 * symbol whose prompts, dependencies, selects, implies, defaults or ranges name one of them
 * (a choice's members and its own symbol count as one). Requests that touch a choice member
 * (whose order of appearance matters to conf) or reach MODULES (which changes every tristate)
 * take the full evaluation instead.
 */
import { forEachExprSym } from './expr.js';
import { treeIndex } from './tree-index.js';
import type { Expr, KconfigTree, Sym } from './types.js';

/** Per tree: who reads each symbol, and each symbol's choice group. */
interface Readers {
  /** readers[id]: ids of the symbols whose calculation reads symbol id. */
  readonly readers: readonly number[][];
  /** group[id]: the ids of the choice symbol id belongs to (members and the choice's own), or undefined. */
  readonly group: readonly (readonly number[] | undefined)[];
}

const cache = new WeakMap<KconfigTree, Readers>();

/** Adds the ids of the symbols `e` refers to. */
function exprSyms(e: Expr | null, out: Set<number>): void {
  forEachExprSym(e, (s) => out.add(s.id));
}

/** The symbols a symbol's calculation reads, as its properties name them. */
function inputsOf(tree: KconfigTree, s: Sym): Set<number> {
  const out = new Set<number>();
  const info = treeIndex(tree).info(s);
  for (const p of [...info.prompts, ...info.defaults, ...info.ranges]) {
    exprSyms(p.visible, out);
    exprSyms(p.expr, out);
    if (p.range) for (const b of p.range) out.add(b.id);
  }
  exprSyms(s.dirDep, out);
  exprSyms(s.revDep, out);
  exprSyms(s.implied, out);
  out.delete(s.id);
  return out;
}

function readersOf(tree: KconfigTree): Readers {
  let r = cache.get(tree);
  if (r) return r;
  const index = treeIndex(tree);
  const readers: number[][] = tree.symbols.map(() => []);
  const group: (number[] | undefined)[] = new Array(tree.symbols.length);
  for (const s of tree.symbols) for (const id of inputsOf(tree, s)) readers[id]!.push(s.id);
  for (const s of tree.symbols) {
    const choice = index.choiceOf(s);
    if (!choice || group[s.id]) continue;
    const ids = [
      ...index.choiceMembersInMenuOrder(choice).map((m) => m.id),
      ...(choice.sym ? [choice.sym.id] : []),
    ];
    for (const id of ids) group[id] = ids;
  }
  r = { readers, group };
  cache.set(tree, r);
  return r;
}

/**
 * The symbols to calculate again when the user values of `changed` change, or undefined when
 * the change needs a full evaluation (a choice member's value, or MODULES reached).
 */
export function affectedBy(tree: KconfigTree, changed: readonly Sym[]): Set<number> | undefined {
  const { readers, group } = readersOf(tree);
  if (changed.some((s) => group[s.id] !== undefined)) return undefined;
  const out = new Set<number>();
  const todo = changed.map((s) => s.id);
  while (todo.length) {
    const id = todo.pop()!;
    if (out.has(id)) continue;
    if (id === tree.modules.id) return undefined;
    out.add(id);
    for (const r of readers[id]!) if (!out.has(r)) todo.push(r);
    for (const g of group[id] ?? []) if (!out.has(g)) todo.push(g);
  }
  return out;
}
