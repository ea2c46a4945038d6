/**
 * The Kconfig lexer (scripts/kconfig/lexer.l) for one file: keywords, words, quoted strings with
 * macro expansion, operators, the raw value of an assignment, and help text skipping with the
 * kernel's indentation rules. Newlines are tokens (EOL); runs of them collapse as in yylex().
 */
import { KconfigError } from './types.js';
import type { Preprocessor } from './preprocess.js';

/** Token kinds: keywords carry their spelling in `value`. */
export type TokKind = 'EOL' | 'EOF' | 'WORD' | 'STRING' | 'KW' | 'OP' | 'ASSIGN_VAL';

/** One token with the line and column it starts at. */
export interface Token {
  readonly kind: TokKind;
  readonly value: string;
  readonly line: number;
  readonly col: number;
}

const keywords = new Set([
  'bool', 'choice', 'comment', 'config', 'def_bool', 'def_tristate', 'default', 'depends',
  'endchoice', 'endif', 'endmenu', 'help', 'hex', 'if', 'imply', 'int', 'mainmenu', 'menu',
  'menuconfig', 'modules', 'on', 'prompt', 'range', 'select', 'source', 'string', 'tristate', 'visible',
]); // prettier-ignore

const assignOps = new Set(['=', ':=', '+=']);

function isNameChar(c: number): boolean {
  // [A-Za-z0-9_-]
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/** Tokenizes one Kconfig file. */
export class Lexer {
  private pos = 0;
  /** Current line (yylineno). */
  line = 1;
  private lineStart = 0;
  private prev: TokKind | 'HELP' = 'EOL';
  private prevPrev: TokKind | 'HELP' = 'EOL';
  private assignVal = false;

  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly pp: Preprocessor,
    private readonly warn: (msg: string) => void,
  ) {}

  /** The next token; EOLs directly after EOL (or help text) are dropped, as yylex() does. */
  next(): Token {
    for (;;) {
      const t = this.raw();
      if (t === null) continue;
      if (t.kind === 'EOL' && (this.prev === 'EOL' || this.prev === 'HELP')) continue;
      if (this.prevPrev === 'EOL' && this.prev === 'WORD' && t.kind === 'OP' && assignOps.has(t.value))
        this.assignVal = true;
      this.prevPrev = this.prev;
      this.prev = t.kind;
      return t;
    }
  }

  private newline(): void {
    this.pos++;
    this.line++;
    this.lineStart = this.pos;
  }

  private raw(): Token | null {
    const s = this.text;
    const line = this.line;
    const col = this.pos - this.lineStart + 1;
    if (this.pos >= s.length) {
      if (this.prev !== 'EOL' && this.prev !== 'HELP' && this.prev !== 'EOF')
        return { kind: 'EOL', value: '', line, col };
      return { kind: 'EOF', value: '', line, col };
    }
    if (this.assignVal) return this.assignValue(line, col);
    const c = s.charCodeAt(this.pos);
    if (c === 10) {
      this.newline();
      return { kind: 'EOL', value: '', line, col };
    }
    if (c === 32 || c === 9) {
      this.pos++;
      return null;
    }
    if (c === 35 /* # */) {
      while (this.pos < s.length && s.charCodeAt(this.pos) !== 10) this.pos++;
      return null;
    }
    if (c === 92 /* \ */ && s.charCodeAt(this.pos + 1) === 10) {
      this.pos++;
      this.newline();
      return null;
    }
    if (c === 34 || c === 39) return this.string(line, col);
    if (isNameChar(c) || c === 36 /* $ */) return this.word(line, col);
    const two = s.slice(this.pos, this.pos + 2);
    if (['||', '&&', '!=', '<=', '>=', ':=', '+='].includes(two)) {
      this.pos += 2;
      return { kind: 'OP', value: two, line, col };
    }
    const one = s[this.pos]!;
    this.pos++;
    if ('=<>!()'.includes(one)) return { kind: 'OP', value: one, line, col };
    this.warn(`${this.file}:${line}:warning: ignoring unsupported character '${one}'`);
    return null;
  }

  private assignValue(line: number, col: number): Token | null {
    const s = this.text;
    this.assignVal = false;
    while (this.pos < s.length && (s[this.pos] === ' ' || s[this.pos] === '\t')) this.pos++;
    let end = s.indexOf('\n', this.pos);
    if (end < 0) end = s.length;
    if (end === this.pos) return null;
    const value = s.slice(this.pos, end);
    this.pos = end;
    return { kind: 'ASSIGN_VAL', value, line, col };
  }

  private word(line: number, col: number): Token | null {
    const s = this.text;
    let end = this.pos;
    let dollar = false;
    while (end < s.length) {
      const c = s.charCodeAt(end);
      if (c === 36) dollar = true;
      else if (!isNameChar(c)) break;
      end++;
    }
    if (!dollar) {
      const w = s.slice(this.pos, end);
      this.pos = end;
      return { kind: keywords.has(w) ? 'KW' : 'WORD', value: w, line, col };
    }
    let eol = s.indexOf('\n', this.pos);
    if (eol < 0) eol = s.length;
    const r = this.pp.expandOneToken(s.slice(0, eol), this.pos);
    this.pos = r.end;
    return r.out === '' ? null : { kind: 'WORD', value: r.out, line, col };
  }

  private string(line: number, col: number): Token {
    const s = this.text;
    const quote = s[this.pos];
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) break;
      const c = s[this.pos]!;
      if (c === '\n') {
        this.warn(`${this.file}:${line}:warning: multi-line strings not supported`);
        break;
      }
      if (c === quote) {
        this.pos++;
        break;
      }
      if (c === '$') {
        let eol = s.indexOf('\n', this.pos);
        if (eol < 0) eol = s.length;
        const r = this.pp.expandDollar(s.slice(0, eol), this.pos + 1);
        out += r.out;
        this.pos = r.end;
      } else if (c === '\\') {
        const n = s[this.pos + 1];
        if (n !== undefined && n !== '\n') {
          out += n;
          this.pos += 2;
        } else this.pos++;
      } else {
        out += c;
        this.pos++;
      }
    }
    return { kind: 'STRING', value: out, line, col };
  }

  /** Skips a help text (the HELP start condition), starting at the line after `help`. */
  skipHelp(): void {
    const s = this.text;
    let firstTs = 0;
    let lastTs = 0;
    this.prev = 'HELP';
    while (this.pos < s.length) {
      let p = this.pos;
      let ts = 0;
      while (p < s.length && (s[p] === ' ' || s[p] === '\t')) {
        ts = s[p] === '\t' ? (ts & ~7) + 8 : ts + 1;
        p++;
      }
      if (p >= s.length) {
        this.pos = p;
        return;
      }
      if (s[p] === '\n') {
        // blank line: ends the help when the next line starts in column 1
        this.pos = p;
        this.newline();
        const n = s[this.pos];
        if (n !== undefined && n !== ' ' && n !== '\t' && n !== '\n') return;
        continue;
      }
      if (p > this.pos) lastTs = ts;
      if (firstTs && p > this.pos && ts < firstTs) {
        this.pos = p;
        return;
      }
      if (!firstTs) firstTs = lastTs;
      let eol = s.indexOf('\n', p);
      if (eol < 0) {
        this.pos = s.length;
        return;
      }
      this.pos = eol;
      this.newline();
      const n = s[this.pos];
      if (n !== undefined && n !== ' ' && n !== '\t' && n !== '\n') return;
    }
  }

  /** A located error at a token. */
  error(t: { line: number; col: number }, message: string): KconfigError {
    return new KconfigError(this.file, t.line, t.col, message);
  }
}
