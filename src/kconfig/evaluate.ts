/**
 * Symbol value calculation (scripts/kconfig/symbol.c of Linux 6.12): sym_calc_visibility,
 * sym_calc_value, sym_calc_choice, sym_validate_range and expr_calc_value. All values live in
 * arrays indexed by symbol and expression id, so a parsed tree is shared by any number of
 * evaluations and each evaluation costs a few typed-array allocations.
 */
import { compareValues } from './cnum.js';
import { strtoll } from './cnum.js';
import { treeIndex, type SymInfo, type TreeIndex } from './tree-index.js';
import type { CmpOp, Expr, KconfigTree, MenuNode, Sym, Tri } from './types.js';

/** Flag bits of a symbol in one evaluation (the kernel's SYMBOL_VALID/WRITE/DEF_USER). */
export const VALID = 1;
export const WRITE = 2;
export const DEF_USER = 4;

function cmpHolds(op: CmpOp, res: number): boolean {
  switch (op) {
    case '=':
      return res === 0;
    case '!=':
      return res !== 0;
    case '<':
      return res < 0;
    case '<=':
      return res <= 0;
    case '>':
      return res > 0;
    default:
      return res >= 0;
  }
}

const min = (a: Tri, b: Tri): Tri => (a < b ? a : b);
const max = (a: Tri, b: Tri): Tri => (a > b ? a : b);

/** The values of one configuration of a tree: user input plus everything calculated from it. */
export class Evaluation {
  readonly index: TreeIndex;
  private readonly infos: readonly SymInfo[];
  readonly tri: Uint8Array;
  readonly val: string[];
  readonly flags: Uint8Array;
  readonly visible: Uint8Array;
  readonly dirDep: Uint8Array;
  readonly revDep: Uint8Array;
  readonly implied: Uint8Array;
  readonly userTri: Uint8Array;
  readonly userVal: (string | undefined)[];
  private readonly exprVal: Uint8Array;
  /** Choice members in priority order (head first), per choice node. */
  readonly choiceOrder = new Map<MenuNode, Sym[]>();
  modulesVal: Tri = 0;

  constructor(readonly tree: KconfigTree) {
    const n = tree.symbols.length;
    this.index = treeIndex(tree);
    this.infos = this.index.infos;
    this.tri = new Uint8Array(n);
    this.val = new Array<string>(n).fill('');
    this.flags = new Uint8Array(n);
    this.visible = new Uint8Array(n);
    this.dirDep = new Uint8Array(n);
    this.revDep = new Uint8Array(n);
    this.implied = new Uint8Array(n);
    this.userTri = new Uint8Array(n);
    this.userVal = new Array<string | undefined>(n);
    this.exprVal = new Uint8Array(tree.exprCount);
    for (const [s, t] of [
      [tree.yes, 2],
      [tree.mod, 1],
      [tree.no, 0],
    ] as const) {
      this.tri[s.id] = t;
      this.val[s.id] = s.name!;
      this.flags[s.id] = VALID;
    }
  }

  /** A copy of `other` (an evaluation of the same tree): the same user input and calculated values. */
  static copyOf(other: Evaluation): Evaluation {
    const ev = new Evaluation(other.tree);
    for (const k of ['tri', 'flags', 'visible', 'dirDep', 'revDep', 'implied', 'userTri', 'exprVal'] as const)
      ev[k].set(other[k]);
    for (let i = 0; i < other.val.length; i++) {
      ev.val[i] = other.val[i]!;
      ev.userVal[i] = other.userVal[i];
    }
    for (const [choice, order] of other.choiceOrder) ev.choiceOrder.set(choice, order);
    ev.modulesVal = other.modulesVal;
    return ev;
  }

  /** Drop the user value of symbol `id` (as if no .config line had set it). */
  clearUser(id: number): void {
    this.flags[id]! &= ~DEF_USER;
    this.userTri[id] = 0;
    this.userVal[id] = undefined;
  }

  /** Forget the calculated values of `ids` and every expression's: they are calculated again on use. */
  forget(ids: Iterable<number>): void {
    for (const id of ids) this.flags[id]! &= ~VALID;
    this.exprVal.fill(0);
  }

  /** sym_clear_all_valid without the side effects: forget every calculated value. */
  invalidate(): void {
    const { tree, flags } = this;
    for (let i = 0; i < flags.length; i++) flags[i]! &= ~VALID;
    for (const s of [tree.yes, tree.mod, tree.no]) flags[s.id]! |= VALID;
    this.exprVal.fill(0);
    this.calc(tree.modules);
  }

  hasUser(s: Sym): boolean {
    return (this.flags[s.id]! & DEF_USER) !== 0;
  }

  /** sym_get_type: tristate behaves as bool while modules are off. */
  isBoolish(s: Sym): boolean {
    return s.type === 'bool' || (s.type === 'tristate' && this.modulesVal === 0);
  }

  /** sym_get_string_value. */
  stringValue(s: Sym): string {
    if (s.type === 'bool' || s.type === 'tristate') return 'nmy'[this.tri[s.id]!]!;
    return this.val[s.id]!;
  }

  /** expr_calc_value, cached per expression until the next invalidate(). */
  expr(e: Expr | null): Tri {
    if (!e) return 2;
    const cached = this.exprVal[e.id]!;
    if (cached) return (cached - 1) as Tri;
    let v: Tri;
    switch (e.k) {
      case 'sym':
        if (!(this.flags[e.sym.id]! & VALID)) this.calc(e.sym);
        v = this.tri[e.sym.id] as Tri;
        break;
      case 'and':
        v = min(this.expr(e.a), this.expr(e.b));
        break;
      case 'or':
        v = max(this.expr(e.a), this.expr(e.b));
        break;
      case 'not':
        v = (2 - this.expr(e.a)) as Tri;
        break;
      case 'cmp': {
        this.calc(e.l);
        this.calc(e.r);
        v = cmpHolds(e.op, compareValues(e.l, this.stringValue(e.l), e.r, this.stringValue(e.r))) ? 2 : 0;
      }
    }
    this.exprVal[e.id] = v + 1;
    return v;
  }

  /** sym_calc_visibility. */
  calcVisibility(s: Sym): void {
    const info = this.infos[s.id]!;
    let t: Tri = 0;
    for (const p of info.prompts) t = max(t, this.expr(p.visible));
    if (t === 1 && (s.type !== 'tristate' || this.modulesVal === 0)) t = 2;
    this.visible[s.id] = t;
    if (s.choiceNode) return;
    // a bool's dependencies are never m (sym_get_type is bool for tristates without modules)
    const up = this.isBoolish(s) ? 1 : 0;
    const dir = s.dirDep ? this.expr(s.dirDep) : 2;
    const rev = s.revDep ? this.expr(s.revDep) : 0;
    const imp = s.implied ? this.expr(s.implied) : 0;
    this.dirDep[s.id] = dir === 1 ? dir + up : dir;
    this.revDep[s.id] = rev === 1 ? rev + up : rev;
    this.implied[s.id] = imp === 1 ? imp + up : imp;
  }

  /** The first default whose condition holds (sym_get_default_prop), with that condition's value. */
  defaultProp(s: Sym): { expr: Expr | null; cond: Tri } | null {
    for (const p of this.infos[s.id]!.defaults) {
      const cond = this.expr(p.visible);
      if (cond !== 0) return { expr: p.expr, cond };
    }
    return null;
  }

  /** sym_calc_value. */
  calc(s: Sym): void {
    const id = s.id;
    const flags = this.flags;
    if (flags[id]! & VALID) return;
    flags[id]! |= VALID;
    const type = s.type;
    if (type === 'unknown') {
      this.val[id] = s.name ?? '';
      this.tri[id] = 0;
      return;
    }
    let newVal = type === 'int' ? '0' : type === 'hex' ? '0x0' : type === 'string' ? '' : 'n';
    let newTri: Tri = 0;
    flags[id]! &= ~WRITE;
    this.calcVisibility(s);
    const visible = this.visible[id] as Tri;
    if (visible !== 0) flags[id]! |= WRITE;
    this.tri[id] = 0;
    this.val[id] = newVal;
    if (type === 'bool' || type === 'tristate') {
      const choice = this.index.choiceOf(s);
      if (choice) {
        this.calcChoice(choice);
        newTri = this.tri[id] as Tri;
      } else {
        if (visible !== 0 && flags[id]! & DEF_USER) newTri = min(this.userTri[id] as Tri, visible);
        else {
          if (this.revDep[id] !== 0) flags[id]! |= WRITE;
          if (s.name !== null) {
            const d = this.defaultProp(s);
            if (d) {
              newTri = min(this.expr(d.expr), d.cond);
              if (newTri !== 0) flags[id]! |= WRITE;
            }
            const implied = this.implied[id] as Tri;
            if (implied !== 0) {
              flags[id]! |= WRITE;
              newTri = min(max(newTri, implied), this.dirDep[id] as Tri);
            }
          }
        }
        newTri = max(newTri, this.revDep[id] as Tri);
      }
      if (newTri === 1 && this.isBoolish(s)) newTri = 2;
    } else if (visible !== 0 && flags[id]! & DEF_USER) {
      newVal = this.userVal[id]!;
    } else {
      const d = this.defaultProp(s);
      if (d && d.expr?.k === 'sym') {
        flags[id]! |= WRITE;
        this.calc(d.expr.sym);
        newVal = this.val[d.expr.sym.id]!;
      }
    }
    this.tri[id] = newTri;
    this.val[id] = newVal;
    this.validateRange(s);
    if (s === this.tree.modules) this.modulesVal = newTri;
    if (s.name === null) flags[id]! &= ~WRITE;
  }

  private validateRange(s: Sym): void {
    if (s.type !== 'int' && s.type !== 'hex') return;
    const base = s.type === 'int' ? 10 : 16;
    const range = this.infos[s.id]!.ranges.find((p) => this.expr(p.visible) !== 0);
    if (!range) return;
    const v = strtoll(this.val[s.id]!, base).value;
    const bound = (b: Sym): bigint => {
      this.calc(b);
      const bb = b.type === 'int' ? 10 : b.type === 'hex' ? 16 : base;
      return strtoll(this.val[b.id]!, bb).value;
    };
    const [lo, hi] = range.range!;
    let out = lo;
    if (v >= bound(lo)) {
      out = hi;
      if (v <= bound(hi)) return;
    }
    this.val[s.id] = this.val[out.id]!;
  }

  /** sym_calc_choice: picks the member that is y and sets every visible member. */
  calcChoice(choice: MenuNode): Sym | null {
    const order = this.choiceOrder.get(choice) ?? choice.members;
    const members = this.index.choiceMembersInMenuOrder(choice);
    let res: Sym | null = null;
    for (const s of order) {
      this.calcVisibility(s);
      if (this.visible[s.id] === 0) continue;
      if (this.hasUser(s) && this.userTri[s.id] === 2) {
        res = s;
        break;
      }
    }
    if (!res) {
      res = this.choiceDefault(choice, members);
      if (res && this.hasUser(res) && this.userTri[res.id] === 0) res = null;
    }
    res ??= members.find((s) => this.visible[s.id] !== 0 && !this.hasUser(s)) ?? null;
    if (!res) res = [...order].reverse().find((s) => this.visible[s.id] !== 0) ?? null;
    for (const s of members) {
      if (this.visible[s.id] === 0) continue;
      this.tri[s.id] = s === res ? 2 : 0;
      this.flags[s.id]! |= VALID | WRITE;
    }
    return res;
  }

  private choiceDefault(choice: MenuNode, members: readonly Sym[]): Sym | null {
    for (const p of this.index.info(choice.sym!).defaults) {
      if (this.expr(p.visible) === 0) continue;
      const def = (p.expr as { sym: Sym }).sym;
      if (this.visible[def.id] !== 0) return def;
    }
    return members.find((s) => this.visible[s.id] !== 0) ?? null;
  }
}
