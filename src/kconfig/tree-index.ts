/**
 * Per-tree lookup tables the evaluator needs on every calculation (prompts, defaults and ranges of
 * a symbol, the choice a symbol belongs to, a choice's members in menu order), built once per tree.
 */
import type { KconfigTree, MenuNode, Prop, Sym } from './types.js';

/** A symbol's properties by kind, in declaration order. */
export interface SymInfo {
  readonly prompts: readonly Prop[];
  readonly defaults: readonly Prop[];
  readonly ranges: readonly Prop[];
}

/** Lookups derived from a finalized tree. */
export interface TreeIndex {
  info(s: Sym): SymInfo;
  /** The same, by symbol id (the evaluator's hot path). */
  readonly infos: readonly SymInfo[];
  /** sym_get_choice_menu: the choice whose member this symbol is, through its first prompt. */
  choiceOf(s: Sym): MenuNode | null;
  /** menu_for_each_sub_entry over a choice: the member symbols of its nodes, in menu order. */
  choiceMembersInMenuOrder(choice: MenuNode): readonly Sym[];
}

const cache = new WeakMap<KconfigTree, TreeIndex>();

/** The index of a tree, built on first use. */
export function treeIndex(tree: KconfigTree): TreeIndex {
  let idx = cache.get(tree);
  if (!idx) {
    idx = build(tree);
    cache.set(tree, idx);
  }
  return idx;
}

function build(tree: KconfigTree): TreeIndex {
  const infos: SymInfo[] = tree.symbols.map((s) => ({
    prompts: s.props.filter((p) => p.text !== null),
    defaults: s.props.filter((p) => p.kind === 'default'),
    ranges: s.props.filter((p) => p.kind === 'range'),
  }));
  const choiceOf: (MenuNode | null)[] = tree.symbols.map((s) => {
    const first = s.nodes.find((n) => n.prompt !== null);
    let m = first?.parent ?? null;
    while (m && !m.sym) m = m.parent;
    return m && m.kind === 'choice' ? m : null;
  });
  const members = new Map<MenuNode, Sym[]>();
  const collect = (n: MenuNode, out: Sym[]): Sym[] => {
    for (const c of n.children) {
      if (c.sym) out.push(c.sym);
      collect(c, out);
    }
    return out;
  };
  return {
    info: (s) => infos[s.id]!,
    infos,
    choiceOf: (s) => choiceOf[s.id]!,
    choiceMembersInMenuOrder: (choice) => {
      let m = members.get(choice);
      if (!m) {
        m = collect(choice, []);
        members.set(choice, m);
      }
      return m;
    },
  };
}
