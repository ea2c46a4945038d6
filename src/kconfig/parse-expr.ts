/**
 * Kconfig expressions (parser.y's expr rule) with the kernel's precedences: || < && < = != <
 * < <= > >= < !, comparisons only between two symbols, and a token stream with one-token lookahead.
 */
import type { Lexer, Token } from './lexer.js';
import type { SymbolTable } from './symtab.js';
import type { CmpOp, Expr, Sym } from './types.js';
import { KconfigError } from './types.js';

/** One-token lookahead over a lexer, bound to the table symbols are looked up in. */
export class TokenStream {
  private ahead: Token | null = null;

  constructor(
    private readonly lx: Lexer,
    readonly table: SymbolTable,
  ) {}

  peek(): Token {
    this.ahead ??= this.lx.next();
    return this.ahead;
  }

  take(): Token {
    const t = this.peek();
    this.ahead = null;
    return t;
  }

  /** Starts the HELP state; only valid right after the EOL that follows `help`. */
  skipHelp(): void {
    this.lx.skipHelp();
  }

  error(t: Token, message: string): KconfigError {
    return new KconfigError(this.lx.file, t.line, t.col, message);
  }

  /** `symbol`: a word (named symbol) or a quoted string (constant). */
  symbol(): Sym {
    const t = this.take();
    if (t.kind === 'WORD') return this.table.lookup(t.value, false);
    if (t.kind === 'STRING') return this.table.lookup(t.value, true);
    throw this.error(t, `syntax error: expected a symbol, found ${describe(t)}`);
  }
}

function describe(t: Token): string {
  if (t.kind === 'EOL') return 'end of line';
  if (t.kind === 'EOF') return 'end of file';
  return `'${t.value}'`;
}

const cmpOps = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** expr: an OR of ANDs of unary terms. */
export function parseExpr(ts: TokenStream): Expr {
  let e = parseAnd(ts);
  while (isOp(ts.peek(), '||')) {
    ts.take();
    e = ts.table.exprs.or(e, parseAnd(ts))!;
  }
  return e;
}

/** if_expr: an optional `if <expr>`. */
export function parseIfExpr(ts: TokenStream): Expr | null {
  const t = ts.peek();
  if (t.kind !== 'KW' || t.value !== 'if') return null;
  ts.take();
  return parseExpr(ts);
}

function isOp(t: Token, op: string): boolean {
  return t.kind === 'OP' && t.value === op;
}

function parseAnd(ts: TokenStream): Expr {
  let e = parseUnary(ts);
  while (isOp(ts.peek(), '&&')) {
    ts.take();
    e = ts.table.exprs.and(e, parseUnary(ts))!;
  }
  return e;
}

function parseUnary(ts: TokenStream): Expr {
  const t = ts.peek();
  if (isOp(t, '!')) {
    ts.take();
    return ts.table.exprs.not(parseUnary(ts));
  }
  if (isOp(t, '(')) {
    ts.take();
    const e = parseExpr(ts);
    const close = ts.take();
    if (!isOp(close, ')')) throw ts.error(close, `syntax error: expected ')', found ${describe(close)}`);
    return e;
  }
  const l = ts.symbol();
  const op = ts.peek();
  if (op.kind === 'OP' && cmpOps.has(op.value)) {
    ts.take();
    return ts.table.exprs.cmp(op.value as CmpOp, l, ts.symbol());
  }
  return ts.table.exprs.sym(l);
}
