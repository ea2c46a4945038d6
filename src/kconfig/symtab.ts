/**
 * The symbol table and node/property constructors shared by the parser (sym_lookup, menu_add_entry,
 * menu_add_prop in the kernel). Constants y/m/n are the same objects whether quoted or not.
 */
import { ExprFactory } from './expr.js';
import type { Loc, MenuNode, NodeKind, Prop, PropKind, Sym, SymType } from './types.js';

/** Symbols, constants and the expression factory of one tree under construction. */
export class SymbolTable {
  readonly exprs = new ExprFactory();
  readonly symbols: Sym[] = [];
  readonly byName = new Map<string, Sym>();
  private readonly consts = new Map<string, Sym>();
  readonly yes: Sym;
  readonly mod: Sym;
  readonly no: Sym;

  constructor() {
    this.yes = this.create('y', 'tristate', true);
    this.mod = this.create('m', 'tristate', true);
    this.no = this.create('n', 'tristate', true);
  }

  private create(name: string | null, type: SymType, isConst: boolean): Sym {
    const sym: Sym = {
      id: this.symbols.length,
      name,
      type,
      isConst,
      props: [],
      nodes: [],
      dirDep: null,
      revDep: null,
      implied: null,
      choiceNode: null,
    };
    this.symbols.push(sym);
    return sym;
  }

  /** sym_lookup: a named symbol (created on first use) or a constant for quoted text. */
  lookup(name: string, isConst: boolean): Sym {
    if (name === 'y') return this.yes;
    if (name === 'm') return this.mod;
    if (name === 'n') return this.no;
    const table = isConst ? this.consts : this.byName;
    let sym = table.get(name);
    if (!sym) {
      sym = this.create(name, 'unknown', isConst);
      table.set(name, sym);
    }
    return sym;
  }

  /** The unnamed symbol of a choice. */
  choiceSymbol(): Sym {
    return this.create(null, 'bool', false);
  }
}

/** menu_add_entry: a new node appended to its parent. */
export function addNode(kind: NodeKind, sym: Sym | null, parent: MenuNode | null, loc: Loc): MenuNode {
  const node: MenuNode = {
    kind,
    sym,
    loc,
    parent,
    children: [],
    prompt: null,
    dep: null,
    visibility: null,
    members: [],
  };
  parent?.children.push(node);
  sym?.nodes.push(node);
  return node;
}

/** menu_add_prop: a property of a node, also appended to the node's symbol. */
export function addProp(
  kind: PropKind,
  node: MenuNode,
  loc: Loc,
  fields: { text?: string; expr?: Prop['expr']; range?: Prop['range']; cond: Prop['cond'] },
): Prop {
  const prop: Prop = {
    kind,
    loc,
    node,
    text: fields.text ?? null,
    expr: fields.expr ?? null,
    range: fields.range ?? null,
    cond: fields.cond,
    visible: fields.cond,
  };
  node.sym?.props.push(prop);
  return prop;
}
