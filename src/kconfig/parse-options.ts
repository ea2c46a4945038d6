/**
 * The options of a config, menuconfig or choice entry (config_option_list and
 * choice_option_list in parser.y): type and prompt, default/def_bool/def_tristate, select, imply,
 * range, modules, depends on, help. An option list ends at the first token that starts no option.
 */
import type { KconfigError } from './types.js';
import type { Token } from './lexer.js';
import { parseExpr, parseIfExpr, type TokenStream } from './parse-expr.js';
import { addProp, type SymbolTable } from './symtab.js';
import type { Loc, MenuNode, Sym, SymType } from './types.js';

/** What option parsing needs from the statement parser. */
export interface EntryContext {
  readonly ts: TokenStream;
  readonly table: SymbolTable;
  loc(t: Token): Loc;
  err(t: Token, message: string): KconfigError;
  eol(): void;
  quoted(): Token;
  word(): Token;
  warn(message: string): void;
  /** The `modules` option: the symbol that says whether modules are enabled. */
  modules: Sym | null;
}

const typeWords: Record<string, SymType> = {
  bool: 'bool',
  tristate: 'tristate',
  int: 'int',
  hex: 'hex',
  string: 'string',
};

/** config_option_list / choice_option_list: options until the next statement. */
export function parseOptions(cx: EntryContext, node: MenuNode, isChoice: boolean): void {
  const { ts, table } = cx;
  const sym = node.sym!;
  for (;;) {
    const t = ts.peek();
    if (t.kind !== 'KW') return;
    const loc = cx.loc(t);
    const kw = t.value;
    if (kw in typeWords && !(isChoice && kw !== 'bool')) {
      ts.take();
      if (isChoice) addPrompt(cx, node, loc, cx.quoted().value);
      else {
        setType(cx, node, typeWords[kw]!, t);
        if (ts.peek().kind === 'STRING') addPrompt(cx, node, loc, ts.take().value);
      }
    } else if (kw === 'prompt') {
      ts.take();
      addPrompt(cx, node, loc, cx.quoted().value);
    } else if (kw === 'default' || (!isChoice && (kw === 'def_bool' || kw === 'def_tristate'))) {
      ts.take();
      const expr = isChoice ? table.exprs.sym(table.lookup(cx.word().value, false)) : parseExpr(ts);
      addProp('default', node, loc, { expr, cond: parseIfExpr(ts) });
      if (kw !== 'default') setType(cx, node, kw === 'def_bool' ? 'bool' : 'tristate', t);
    } else if (!isChoice && (kw === 'select' || kw === 'imply')) {
      ts.take();
      const target = table.lookup(cx.word().value, false);
      addProp(kw, node, loc, { expr: table.exprs.sym(target), cond: parseIfExpr(ts) });
    } else if (!isChoice && kw === 'range') {
      ts.take();
      const a = ts.symbol();
      const b = ts.symbol();
      addProp('range', node, loc, { range: [a, b], cond: parseIfExpr(ts) });
    } else if (!isChoice && kw === 'modules') {
      ts.take();
      if (cx.modules)
        throw cx.err(
          t,
          `symbol '${sym.name}' redefines option 'modules' already defined by '${cx.modules.name}'`,
        );
      cx.modules = sym;
    } else if (kw === 'depends') {
      parseDepends(cx, node);
      continue;
    } else if (kw === 'help') {
      ts.take();
      cx.eol();
      ts.skipHelp();
      continue;
    } else return;
    cx.eol();
  }
}

/** menu_set_type: the first type wins; a different one is only a warning, as in the kernel. */
function setType(cx: EntryContext, node: MenuNode, type: SymType, t: Token): void {
  const sym = node.sym!;
  if (sym.type === 'unknown') sym.type = type;
  else if (sym.type !== type)
    cx.warn(`${cx.loc(t).file}:${t.line}:warning: ignoring type redefinition of '${sym.name}'`);
}

/** menu_add_prompt: the parents' `visible if` conditions join a P_PROMPT's condition. */
function addPrompt(cx: EntryContext, node: MenuNode, loc: Loc, text: string): void {
  let cond = parseIfExpr(cx.ts);
  for (let m = node.parent; m; m = m.parent) if (m.visibility) cond = cx.table.exprs.and(cond, m.visibility);
  const kind = node.kind === 'menuconfig' ? 'menu' : 'prompt';
  node.prompt = addProp(kind, node, loc, { text: text.replace(/^\s+/, ''), cond });
}

/** `depends on <expr>`: AND-ed into the node's own dependencies. */
export function parseDepends(cx: EntryContext, node: MenuNode): void {
  const { ts } = cx;
  ts.take();
  const on = ts.take();
  if (on.kind !== 'KW' || on.value !== 'on') throw cx.err(on, `syntax error: expected 'on'`);
  node.dep = cx.table.exprs.and(node.dep, parseExpr(ts));
  cx.eol();
}
