/**
 * Expression construction and printing. The factory numbers every node so a resolution can cache
 * expression values in a flat array, as the kernel caches them in struct expr (val_is_valid).
 */
import type { CmpOp, Expr, Sym } from './types.js';

/** Allocates numbered expression nodes for one tree. */
export class ExprFactory {
  private next = 0;

  get count(): number {
    return this.next;
  }

  /** Every node gets the same fields in the same order: one hidden class keeps evaluation monomorphic. */
  private node(k: Expr['k'], fields: Partial<Record<'sym' | 'a' | 'b' | 'op' | 'l' | 'r', unknown>>): Expr {
    const n = { k, id: this.next++, sym: null, a: null, b: null, op: null, l: null, r: null };
    return Object.assign(n, fields) as unknown as Expr;
  }

  sym(sym: Sym): Expr {
    return this.node('sym', { sym });
  }

  not(a: Expr): Expr {
    return this.node('not', { a });
  }

  cmp(op: CmpOp, l: Sym, r: Sym): Expr {
    return this.node('cmp', { op, l, r });
  }

  /** expr_alloc_and: a missing side means "yes". */
  and(a: Expr | null, b: Expr | null): Expr | null {
    if (!a) return b;
    if (!b) return a;
    return this.node('and', { a, b });
  }

  /** expr_alloc_or: a missing side means "yes" only when both are missing, as in the kernel. */
  or(a: Expr | null, b: Expr | null): Expr | null {
    if (!a) return b;
    if (!b) return a;
    return this.node('or', { a, b });
  }
}

const precedence: Record<Expr['k'], number> = { or: 1, and: 2, not: 4, cmp: 3, sym: 5 };

/** Prints an expression the way the kernel's expr_print does (parentheses only where needed). */
export function exprToString(e: Expr | null): string {
  if (!e) return 'y';
  return print(e, 0);
}

function symName(s: Sym): string {
  if (s.name === null) return '<choice>';
  return s.isConst && !/^[ymn]$/.test(s.name) ? `"${s.name}"` : s.name;
}

function print(e: Expr, outer: number): string {
  const mine = precedence[e.k];
  let s: string;
  switch (e.k) {
    case 'sym':
      return symName(e.sym);
    case 'not':
      s = `!${print(e.a, mine)}`;
      break;
    case 'cmp':
      s = `${symName(e.l)}${e.op}${symName(e.r)}`;
      break;
    case 'and':
      s = `${print(e.a, mine)} && ${print(e.b, mine)}`;
      break;
    case 'or':
      s = `${print(e.a, mine)} || ${print(e.b, mine)}`;
      break;
  }
  return mine < outer ? `(${s})` : s;
}

/** Calls `visit` for each symbol reference of an expression, in order (repeats included). */
export function forEachExprSym(e: Expr | null, visit: (s: Sym) => void): void {
  if (!e) return;
  switch (e.k) {
    case 'sym':
      visit(e.sym);
      break;
    case 'not':
      forEachExprSym(e.a, visit);
      break;
    case 'cmp':
      visit(e.l);
      visit(e.r);
      break;
    default:
      forEachExprSym(e.a, visit);
      forEachExprSym(e.b, visit);
  }
}

/** The symbols an expression refers to, in first-use order. */
export function exprSymbols(e: Expr | null, out: Sym[] = []): Sym[] {
  forEachExprSym(e, (s) => {
    if (!out.includes(s)) out.push(s);
  });
  return out;
}

/** The top-level operands of an AND (or OR) chain. */
export function flatten(e: Expr | null, kind: 'and' | 'or'): Expr[] {
  if (!e) return [];
  if (e.k === kind) return [...flatten(e.a, kind), ...flatten(e.b, kind)];
  return [e];
}
