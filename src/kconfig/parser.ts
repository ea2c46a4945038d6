/**
 * The Kconfig parser (scripts/kconfig/parser.y) as recursive descent over the lexer's tokens:
 * statements, blocks (menu/choice/if), config options and expressions, `source` inline.
 * Anything the kernel's grammar rejects is a KconfigError naming file, line and column.
 */
import { KconfigError } from './types.js';
import { Lexer, type Token } from './lexer.js';
import { parseExpr, parseIfExpr, TokenStream } from './parse-expr.js';
import { parseDepends, parseOptions, type EntryContext } from './parse-options.js';
import { Preprocessor, type MacroHost } from './preprocess.js';
import { isSourceExtension, sourcePaths, type SourceKind } from './source-paths.js';
import { addNode, addProp, SymbolTable } from './symtab.js';
import type { Loc, MenuNode, Sym } from './types.js';

/** Where the parser reads Kconfig files from (paths relative to the source tree). */
export interface KconfigSource {
  readFile(path: string): string | undefined;
  /** Files matching a glob pattern (for `source` with wildcards); optional. */
  glob?(pattern: string): string[];
}

/** The raw result of parsing, before menu_finalize. */
export interface ParsedTree {
  readonly table: SymbolTable;
  readonly root: MenuNode;
  readonly modules: Sym | null;
  readonly files: string[];
  readonly envUsed: ReadonlyMap<string, string>;
}

/** Parses a Kconfig tree starting at `top` (usually "Kconfig"). */
export function parseKconfig(src: KconfigSource, macros: MacroHost, top = 'Kconfig'): ParsedTree {
  return new Parser(src, macros).parse(top);
}

class Parser implements EntryContext {
  readonly table = new SymbolTable();
  readonly files: string[] = [];
  private readonly pp: Preprocessor;
  private lx: Lexer | null = null;
  private stream: TokenStream | null = null;
  modules: Sym | null = null;
  private readonly stack: string[] = [];
  private root: MenuNode;
  /** The block statements are being added to (menu_add_entry's current_menu). */
  private currentParent: MenuNode;

  constructor(
    private readonly src: KconfigSource,
    private readonly macros: MacroHost,
  ) {
    this.pp = new Preprocessor(macros, () => ({ file: this.lx?.file ?? '', line: this.lx?.line ?? 0 }));
    this.root = this.currentParent = addNode('root', null, null, { file: '', line: 0 });
  }

  parse(top: string): ParsedTree {
    this.root = this.currentParent = addNode('root', null, null, { file: top, line: 1 });
    this.parseFile(top, null);
    this.root.prompt ??= addProp('menu', this.root, this.root.loc, { text: 'Main menu', cond: null });
    const { table, root, modules, files } = this;
    return { table, root, modules, files, envUsed: this.pp.envUsed };
  }

  private parseFile(path: string, from: { loc: Loc; col: number } | null): void {
    const text = this.src.readFile(path);
    if (text === undefined) {
      if (!from) throw new KconfigError(path, 0, 0, `can't find file ${path}`);
      throw new KconfigError(from.loc.file, from.loc.line, from.col, `can't open file "${path}"`);
    }
    if (this.stack.includes(path) && from)
      throw new KconfigError(from.loc.file, from.loc.line, from.col, `recursive inclusion of "${path}"`);
    const saved = [this.lx, this.stream] as const;
    this.stack.push(path);
    this.files.push(path);
    this.lx = new Lexer(path, text, this.pp, (m) => this.macros.warn(m));
    this.stream = new TokenStream(this.lx, this.table);
    this.stmtList(this.currentParent, false, null);
    this.stack.pop();
    [this.lx, this.stream] = saved;
  }

  get ts(): TokenStream {
    return this.stream!;
  }

  warn(message: string): void {
    this.macros.warn(message);
  }

  err(t: Token, message: string): KconfigError {
    return new KconfigError(this.lx!.file, t.line, t.col, message);
  }

  loc(t: Token): Loc {
    return { file: this.lx!.file, line: t.line };
  }

  eol(): void {
    const t = this.stream!.take();
    if (t.kind !== 'EOL') throw this.err(t, `syntax error: unexpected '${t.value || t.kind}'`);
  }

  quoted(): Token {
    const t = this.stream!.take();
    if (t.kind !== 'STRING') throw this.err(t, `syntax error: expected a quoted string`);
    return t;
  }

  word(): Token {
    const t = this.stream!.take();
    if (t.kind !== 'WORD') throw this.err(t, `syntax error: expected a symbol name`);
    return t;
  }

  /** Parses statements until EOF (end === null) or the block's end keyword. */
  private stmtList(parent: MenuNode, inChoice: boolean, end: { kw: string; start: Token } | null): void {
    const outer = this.currentParent;
    this.currentParent = parent;
    const ts = this.stream!;
    let first = parent === this.root && this.stack.length === 1 && parent.children.length === 0;
    for (;;) {
      const t = ts.peek();
      if (t.kind === 'EOF') {
        if (end) throw this.err(end.start, `missing end statement for this entry`);
        break;
      }
      if (t.kind === 'KW' && /^end(menu|choice|if)$/.test(t.value)) {
        ts.take();
        const kw = t.value.slice(3);
        if (!end) throw this.err(t, `invalid statement`);
        if (kw !== end.kw) throw this.err(t, `unexpected '${kw}' within ${end.kw} block`);
        this.eol();
        break;
      }
      if (t.kind === 'KW' && t.value === 'mainmenu' && first && !this.root.prompt) {
        ts.take();
        const text = this.quoted();
        this.eol();
        this.root.prompt = addProp('menu', this.root, this.loc(t), { text: text.value, cond: null });
      } else this.statement(t, parent, inChoice);
      first = false;
    }
    this.currentParent = outer;
  }

  private statement(t: Token, parent: MenuNode, inChoice: boolean): void {
    const ts = this.stream!;
    const kw = t.kind === 'KW' ? t.value : '';
    if (kw === 'config' || (kw === 'menuconfig' && !inChoice)) return this.config(parent, inChoice);
    if (kw === 'comment') return this.comment(parent);
    if (kw === 'if') return this.ifBlock(parent, inChoice);
    if (!inChoice) {
      if (kw === 'choice') return this.choice(parent);
      if (kw === 'menu') return this.menu(parent);
      if (kw === 'source') return this.source('source', ts.take());
      if (t.kind === 'WORD') {
        ts.take();
        if (isSourceExtension(t.value) && ts.peek().kind === 'STRING') return this.source(t.value, t);
        const op = ts.peek();
        if (op.kind === 'OP' && (op.value === '=' || op.value === ':=' || op.value === '+=')) {
          ts.take();
          const v = ts.peek();
          const value = v.kind === 'ASSIGN_VAL' ? ts.take().value : '';
          this.eol();
          return this.pp.addVariable(t.value, value, op.value);
        }
        throw this.err(t, `unknown statement "${t.value}"`);
      }
    }
    throw this.err(t, `invalid statement${t.value ? ` "${t.value}"` : ''}`);
  }

  private source(kind: SourceKind, t: Token): void {
    const path = this.quoted();
    this.eol();
    const from = { loc: this.loc(t), col: path.col };
    const paths = sourcePaths(kind, path.value, this.lx!.file, this.src);
    if (!paths) throw this.err(path, `no file matches "${path.value}"`);
    for (const p of paths) this.parseFile(p, from);
  }

  private config(parent: MenuNode, inChoice: boolean): void {
    const ts = this.stream!;
    const start = ts.take();
    const name = this.word();
    this.eol();
    const sym = this.table.lookup(name.value, false);
    const node = addNode(
      start.value === 'menuconfig' ? 'menuconfig' : 'config',
      sym,
      parent,
      this.loc(start),
    );
    parseOptions(this, node, false);
    if (inChoice) {
      const choice = chooseNode(parent);
      if (!node.prompt) throw this.err(start, `choice member must have a prompt`);
      if (sym.type !== 'bool') throw this.err(start, `choice member must be bool`);
      if (!sym.choiceNode) {
        sym.choiceNode = choice;
        choice.members.push(sym);
      }
    }
  }

  private choice(parent: MenuNode): void {
    const start = this.stream!.take();
    this.eol();
    const node = addNode('choice', this.table.choiceSymbol(), parent, this.loc(start));
    parseOptions(this, node, true);
    if (!node.prompt) throw this.err(start, `choice must have a prompt`);
    this.stmtList(node, true, { kw: 'choice', start });
  }

  private menu(parent: MenuNode): void {
    const ts = this.stream!;
    const start = ts.take();
    const node = addNode('menu', null, parent, this.loc(start));
    node.prompt = addProp('menu', node, this.loc(start), { text: this.quoted().value, cond: null });
    this.eol();
    for (;;) {
      const t = ts.peek();
      if (t.kind === 'KW' && t.value === 'depends') parseDepends(this, node);
      else if (t.kind === 'KW' && t.value === 'visible') {
        ts.take();
        node.visibility = this.table.exprs.and(node.visibility, parseIfExpr(ts));
        this.eol();
      } else break;
    }
    this.stmtList(node, false, { kw: 'menu', start });
  }

  private comment(parent: MenuNode): void {
    const ts = this.stream!;
    const start = ts.take();
    const node = addNode('comment', null, parent, this.loc(start));
    node.prompt = addProp('comment', node, this.loc(start), { text: this.quoted().value, cond: null });
    this.eol();
    while (ts.peek().kind === 'KW' && ts.peek().value === 'depends') parseDepends(this, node);
  }

  private ifBlock(parent: MenuNode, inChoice: boolean): void {
    const ts = this.stream!;
    const start = ts.take();
    const node = addNode('if', null, parent, this.loc(start));
    node.dep = parseExpr(ts);
    this.eol();
    this.stmtList(node, inChoice, { kw: 'if', start });
  }
}

/** The choice a member belongs to: the nearest enclosing choice node (through `if` blocks). */
function chooseNode(parent: MenuNode): MenuNode {
  let m: MenuNode | null = parent;
  while (m && m.kind !== 'choice') m = m.parent;
  return m!;
}
