/**
 * The parsed Kconfig model: symbols, properties, menu nodes and expressions, mirroring the
 * kernel's struct symbol / property / menu / expr (scripts/kconfig/expr.h). A parsed tree is
 * immutable once finalized; every resolution keeps its values in its own arrays (resolve-state.ts),
 * so one parse serves many resolutions. KconfigError is the engine's one error class: every problem
 * it reports is located in a file.
 */

/** Tristate value as in the kernel's enum tristate: 0 = n, 1 = m, 2 = y. */
export type Tri = 0 | 1 | 2;

/** A symbol's declared type; 'unknown' for constants and undefined names. */
export type SymType = 'unknown' | 'bool' | 'tristate' | 'int' | 'hex' | 'string';

/** Comparison operators of Kconfig expressions. */
export type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** An expression node; `id` indexes the per-resolution value cache. */
export type Expr =
  | { readonly k: 'sym'; readonly id: number; readonly sym: Sym }
  | { readonly k: 'not'; readonly id: number; readonly a: Expr }
  | { readonly k: 'and' | 'or'; readonly id: number; readonly a: Expr; readonly b: Expr }
  | { readonly k: 'cmp'; readonly id: number; readonly op: CmpOp; readonly l: Sym; readonly r: Sym };

/** A place in a Kconfig file. */
export interface Loc {
  readonly file: string;
  readonly line: number;
}

/** Kinds of property, as the kernel's enum prop_type. */
export type PropKind = 'prompt' | 'menu' | 'comment' | 'default' | 'select' | 'imply' | 'range';

/** A property of a symbol or menu node (struct property). */
export interface Prop {
  readonly kind: PropKind;
  readonly loc: Loc;
  /** The menu node the property was written in. */
  readonly node: MenuNode;
  /** Prompt text for prompt/menu/comment. */
  text: string | null;
  /** default value, select/imply target (as a 'sym' expr), or null for prompts. */
  expr: Expr | null;
  /** For range: the two bounds. */
  range: readonly [Sym, Sym] | null;
  /** The `if` condition as written (null = yes); kept for explanations. */
  readonly cond: Expr | null;
  /** Visibility after menu_finalize: cond && the node's inherited dependencies (null = yes). */
  visible: Expr | null;
}

/** A symbol (struct symbol). Choices are symbols without a name, as in the kernel. */
export interface Sym {
  readonly id: number;
  readonly name: string | null;
  type: SymType;
  readonly isConst: boolean;
  readonly props: Prop[];
  readonly nodes: MenuNode[];
  /** OR of the dependencies of every definition outside a choice (dir_dep). */
  dirDep: Expr | null;
  /** OR of `selecting && condition` over every select of this symbol (rev_dep). */
  revDep: Expr | null;
  /** Same for imply. */
  implied: Expr | null;
  /** The choice node this symbol is a member of (choice_link not empty). */
  choiceNode: MenuNode | null;
}

/** What a menu node is. */
export type NodeKind = 'root' | 'config' | 'menuconfig' | 'choice' | 'menu' | 'comment' | 'if';

/** A menu tree node (struct menu). */
export interface MenuNode {
  readonly kind: NodeKind;
  readonly sym: Sym | null;
  readonly loc: Loc;
  readonly parent: MenuNode | null;
  readonly children: MenuNode[];
  prompt: Prop | null;
  /** `depends on` as written, then (after finalize) AND-ed with the parent's dependencies. */
  dep: Expr | null;
  /** `visible if` of a menu. */
  visibility: Expr | null;
  /** Choice members in declaration order (choice nodes only). */
  readonly members: Sym[];
}

/** A parsed and finalized Kconfig tree for one architecture and environment. */
export interface KconfigTree {
  readonly root: MenuNode;
  /** All symbols by id (constants included). */
  readonly symbols: readonly Sym[];
  /** Non-constant symbols by name. */
  readonly byName: ReadonlyMap<string, Sym>;
  readonly yes: Sym;
  readonly mod: Sym;
  readonly no: Sym;
  /** The symbol with the `modules` option (the kernel falls back to the constant n). */
  readonly modules: Sym;
  /** Number of expression ids allocated (size of the per-resolution cache). */
  readonly exprCount: number;
  /** Every Kconfig file read, in order. */
  readonly files: readonly string[];
}

/** A located problem in Kconfig input: syntax the engine does not know, a bad macro, a missing file. */
export class KconfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${col}: ${reason}`);
    this.name = 'KconfigError';
  }
}
