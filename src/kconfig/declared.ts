/**
 * Kconfig resolution the way `make olddefconfig` does it: arch selects, `select` forcing,
 * `depends on` dropping, prompts taking the user's value, defaults for the rest. Unlike
 * olddefconfig, a requested value that does not survive is reported with its reason.
 */
import { evalExpr, parseExpr, type Expr } from './declared-expr.js';
import {
  ARCH_SELECTS,
  ARCH_SYMBOL,
  CHOICES,
  SYMBOLS,
  SYMBOL_BY_NAME,
  type Arch,
  type ChoiceDecl,
  type SymbolDecl,
  type Tristate,
} from './declared-model.js';

interface Compiled {
  decl: SymbolDecl;
  depends?: Expr;
  default?: Expr;
  /** The prompt's condition (a prompt without `if` is `y`); absent: no prompt. */
  prompt?: Expr;
  choice?: { decl: ChoiceDecl; depends: Expr; members: readonly string[] };
}

const choiceOf = (name: string) => {
  const decl = CHOICES.find((c) => c.name === name)!;
  const members = SYMBOLS.filter((s) => s.choice === name).map((s) => s.name);
  return { decl, depends: parseExpr(decl.dependsOn), members };
};

const COMPILED: readonly Compiled[] = SYMBOLS.map((decl) => ({
  decl,
  ...(decl.dependsOn ? { depends: parseExpr(decl.dependsOn) } : {}),
  ...(decl.default ? { default: parseExpr(decl.default) } : {}),
  ...(decl.prompt !== false ? { prompt: parseExpr(decl.prompt === true ? 'y' : decl.prompt) } : {}),
  ...(decl.choice ? { choice: choiceOf(decl.choice) } : {}),
}));
const COMPILED_BY_NAME = new Map(COMPILED.map((c) => [c.decl.name, c]));

export interface Resolution {
  /** Canonical symbol -> value, for every symbol that exists at the commit. */
  resolved: Record<string, Tristate>;
  /** One sentence per requested value that did not survive; empty when the cell is valid. */
  reasons: string[];
}

/**
 * Resolve `requested` (canonical names) for `arch`. `exists(sym)` says whether a symbol exists
 * in the tree at the commit (histories may remove symbols); absent symbols are n.
 */
export function resolveKconfig(
  arch: Arch,
  requested: Record<string, Tristate>,
  exists: (sym: string) => boolean = () => true,
): Resolution {
  const value = new Map<string, boolean>();
  const selectedBy = new Map<string, string>();
  for (const s of ARCH_SELECTS[arch]) if (exists(s)) selectedBy.set(s, ARCH_SYMBOL[arch]);
  // selects may point forward or back; iterate to a fixpoint (the model is tiny)
  for (let pass = 0; pass < 4; pass++) {
    let changed = false;
    for (const compiled of COMPILED) {
      const { decl } = compiled;
      const v = exists(decl.name) ? computeValue(compiled, value, selectedBy, requested, exists) : false;
      if (value.get(decl.name) !== v) changed = true;
      value.set(decl.name, v);
      if (v)
        for (const s of decl.selects ?? []) if (exists(s) && !selectedBy.has(s)) selectedBy.set(s, decl.name);
    }
    if (!changed) break;
  }
  const resolved: Record<string, Tristate> = {};
  for (const { decl } of COMPILED)
    if (exists(decl.name)) resolved[decl.name] = value.get(decl.name) ? 'y' : 'n';
  const reasons: string[] = [];
  for (const [sym, want] of Object.entries(requested)) {
    const got = value.get(sym) ? 'y' : 'n';
    if (got !== want) reasons.push(explainDrop(arch, sym, want, got, value, selectedBy));
  }
  return { resolved, reasons };
}

function computeValue(
  { decl, depends, default: def, prompt, choice }: Compiled,
  value: Map<string, boolean>,
  selectedBy: Map<string, string>,
  requested: Record<string, Tristate>,
  exists: (sym: string) => boolean,
): boolean {
  if (selectedBy.has(decl.name)) return true;
  const get = (n: string) => value.get(n) ?? false;
  if (choice) return evalExpr(choice.depends, get) && chosen(choice, requested, exists) === decl.name;
  if (depends && !evalExpr(depends, get)) return false;
  const want = requested[decl.name];
  if (prompt && evalExpr(prompt, get) && want !== undefined) return want === 'y';
  return def ? evalExpr(def, get) : false;
}

/** A choice's member: the first one requested y, else the choice's default (conf's choice rule). */
function chosen(
  choice: NonNullable<Compiled['choice']>,
  requested: Record<string, Tristate>,
  exists: (sym: string) => boolean,
): string {
  return choice.members.find((m) => exists(m) && requested[m] === 'y') ?? choice.decl.default;
}

function explainDrop(
  arch: Arch,
  sym: string,
  want: Tristate,
  got: Tristate,
  value: Map<string, boolean>,
  selectedBy: Map<string, string>,
): string {
  const decl = SYMBOL_BY_NAME.get(sym);
  const head = `${sym}=${want} requested but`;
  const tail = `(resolved to ${got})`;
  if (!decl) return `${head} ${sym} is not a symbol of the model ${tail}`;
  if (want === 'n' && selectedBy.has(sym))
    return `${head} ${sym} is selected by ${selectedBy.get(sym)} ${tail}`;
  const choice = COMPILED_BY_NAME.get(sym)?.choice;
  const dependsOn = choice?.decl.dependsOn ?? decl.dependsOn;
  if (dependsOn) {
    const unmet = parseExprSymbolsUnmet(dependsOn, value);
    if (unmet) return `${head} ${sym} depends on ${dependsOn}, and on ${arch} ${unmet} ${tail}`;
  }
  if (choice) {
    const taken = choice.members.find((m) => value.get(m));
    const members = choice.members.join(', ');
    return `${head} ${sym} is a member of a choice (${members}) and ${taken} took it ${tail}`;
  }
  const prompt = COMPILED_BY_NAME.get(sym)?.prompt;
  if (!prompt || !evalExpr(prompt, (n) => value.get(n) ?? false)) {
    if (decl.noPromptHint) return `${head} ${sym} has no prompt on ${arch}: ${decl.noPromptHint} ${tail}`;
    return `${head} ${sym} has no prompt: only an arch select sets it, and ${arch} does not ${tail}`;
  }
  return `${head} ${sym} cannot take that value on ${arch} ${tail}`;
}

/** "64BIT=n" style summary of the dependency symbols' values, or undefined when the deps hold. */
function parseExprSymbolsUnmet(expr: string, value: Map<string, boolean>): string | undefined {
  const e = parseExpr(expr);
  if (evalExpr(e, (n) => value.get(n) ?? false)) return undefined;
  const names = [...new Set(expr.match(/[A-Za-z0-9_]+/g) ?? [])].filter((n) => n !== 'y' && n !== 'n');
  return names.map((n) => `${n}=${value.get(n) ? 'y' : 'n'}`).join(', ');
}

/**
 * Whether users may request a symbol in a matrix (any symbol
 * of the model; non-prompt ones resolve as the arch says).
 */
export function isKnownSymbol(name: string): boolean {
  return SYMBOL_BY_NAME.has(name);
}
