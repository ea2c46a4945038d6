/**
 * Kconfig boolean expressions (`SPARSEMEM && !NEED_PER_CPU_KM && 64BIT`, `X86_32 || ARM`):
 * parsed once into a tree, evaluated against a symbol table. `y`/`n` are the constants.
 */

export type Expr =
  | { op: 'sym'; name: string }
  | { op: 'const'; value: boolean }
  | { op: 'not'; arg: Expr }
  | { op: 'and' | 'or'; args: [Expr, Expr] };

/** Parse a Kconfig expression; throws on malformed text (the model is ours, so that is a bug). */
export function parseExpr(text: string): Expr {
  const tokens = text.match(/&&|\|\||!|\(|\)|[A-Za-z0-9_]+/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const primary = (): Expr => {
    const t = next();
    if (t === '!') return { op: 'not', arg: primary() };
    if (t === '(') {
      const e = or();
      if (next() !== ')') throw new Error(`kconfig expression "${text}": missing )`);
      return e;
    }
    if (t === undefined || !/^[A-Za-z0-9_]+$/.test(t))
      throw new Error(`kconfig expression "${text}": unexpected ${t ?? 'end'}`);
    if (t === 'y' || t === 'n') return { op: 'const', value: t === 'y' };
    return { op: 'sym', name: t };
  };
  const and = (): Expr => {
    let left = primary();
    while (peek() === '&&') {
      next();
      left = { op: 'and', args: [left, primary()] };
    }
    return left;
  };
  const or = (): Expr => {
    let left = and();
    while (peek() === '||') {
      next();
      left = { op: 'or', args: [left, and()] };
    }
    return left;
  };
  const e = or();
  if (i !== tokens.length) throw new Error(`kconfig expression "${text}": trailing ${tokens[i]}`);
  return e;
}

export function evalExpr(e: Expr, value: (name: string) => boolean): boolean {
  switch (e.op) {
    case 'sym':
      return value(e.name);
    case 'const':
      return e.value;
    case 'not':
      return !evalExpr(e.arg, value);
    case 'and':
      return evalExpr(e.args[0], value) && evalExpr(e.args[1], value);
    case 'or':
      return evalExpr(e.args[0], value) || evalExpr(e.args[1], value);
  }
}

export function exprSymbols(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.op === 'sym') out.add(e.name);
  else if (e.op === 'not') exprSymbols(e.arg, out);
  else if (e.op === 'and' || e.op === 'or') e.args.forEach((a) => exprSymbols(a, out));
  return out;
}
