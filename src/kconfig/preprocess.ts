/**
 * The Kconfig macro language (scripts/kconfig/preprocess.c): variables (`=`, `:=`, `+=`), user
 * functions with $(1).., the built-ins shell/info/warning-if/error-if/filename/lineno, and the
 * environment. Pure: the shell and the diagnostics sinks come in through MacroHost.
 */
import { KconfigError } from './types.js';

/** What the macro language needs from the outside world. */
export interface MacroHost {
  /** An environment variable as conf would see it (undefined when unset). */
  env(name: string): string | undefined;
  /** Runs `sh -c cmd` and returns its raw standard output. */
  shell(cmd: string): string;
  /** $(info,...) output. */
  info(msg: string): void;
  /** $(warning-if,...) output, already located. */
  warn(msg: string): void;
}

/** Where the lexer currently is, for $(filename), $(lineno) and located errors. */
export interface MacroPosition {
  file: string;
  line: number;
}

type Flavor = 'recursive' | 'simple';

interface Variable {
  value: string;
  flavor: Flavor;
  depth: number;
}

const maxArgs = 16;

/** Expands macros the way conf does while it parses. */
export class Preprocessor {
  private readonly vars = new Map<string, Variable>();
  /** Environment variables that expansion referenced, with their values. */
  readonly envUsed = new Map<string, string>();

  constructor(
    private readonly host: MacroHost,
    private readonly pos: () => MacroPosition,
  ) {}

  private fail(message: string): never {
    const p = this.pos();
    throw new KconfigError(p.file, p.line, 1, message);
  }

  /** An assignment statement: NAME = value, NAME := value, NAME += value. */
  addVariable(name: string, value: string, op: '=' | ':=' | '+='): void {
    const v = this.vars.get(name);
    let flavor: Flavor = op === ':=' ? 'simple' : 'recursive';
    const append = op === '+=' && v !== undefined;
    if (op === '+=') flavor = v ? v.flavor : 'recursive';
    const expanded = flavor === 'simple' ? this.expandString(value) : value;
    if (v && append) v.value = `${v.value} ${expanded}`;
    else if (v) {
      v.value = expanded;
      v.flavor = flavor;
    } else this.vars.set(name, { value: expanded, flavor, depth: 0 });
  }

  /** Expands every reference in a whole string. */
  expandString(s: string, args: readonly string[] = []): string {
    return this.expandUntil(s, 0, args, () => false).out;
  }

  /** Expands the reference after a '$' at s[start] ('(' expected); returns the text and where it ended. */
  expandDollar(s: string, start: number, args: readonly string[] = []): { out: string; end: number } {
    if (s[start] !== '(') return { out: '$', end: start };
    let nest = 0;
    let q = start + 1;
    for (; q < s.length; q++) {
      const c = s[q];
      if (c === '(') nest++;
      else if (c === ')' && nest-- === 0) break;
    }
    if (q >= s.length) this.fail(`unterminated reference to '${s.slice(start + 1)}': missing ')'`);
    return { out: this.evalClause(s.slice(start + 1, q), args), end: q + 1 };
  }

  /** expand_one_token: expands while the text is a symbol-name character or a reference. */
  expandOneToken(s: string, start: number): { out: string; end: number } {
    return this.expandUntil(s, start, [], (c) => !/[A-Za-z0-9_-]/.test(c));
  }

  private expandUntil(
    s: string,
    start: number,
    args: readonly string[],
    isEnd: (c: string) => boolean,
  ): { out: string; end: number } {
    let out = '';
    let from = start;
    let p = start;
    while (p < s.length) {
      const c = s[p]!;
      if (c === '$') {
        out += s.slice(from, p);
        const r = this.expandDollar(s, p + 1, args);
        out += r.out;
        p = from = r.end;
        continue;
      }
      if (isEnd(c)) break;
      p++;
    }
    return { out: out + s.slice(from, p), end: p };
  }

  private evalClause(clause: string, args: readonly string[]): string {
    if (/^[0-9]+$/.test(clause)) {
      const n = Number(clause);
      if (n > 0 && n <= args.length) return args[n - 1]!;
    }
    const parts: string[] = [];
    let nest = 0;
    let prev = 0;
    for (let i = 0; i < clause.length; i++) {
      const c = clause[i];
      if (nest === 0 && c === ',') {
        if (parts.length >= maxArgs) this.fail('too many function arguments');
        parts.push(clause.slice(prev, i));
        prev = i + 1;
      } else if (c === '(') nest++;
      else if (c === ')') nest--;
    }
    if (parts.length >= maxArgs) this.fail('too many function arguments');
    parts.push(clause.slice(prev));
    const name = this.expandString(parts[0]!, args);
    const argv = parts.slice(1).map((a) => this.expandString(a, args));
    const fromVar = this.expandVariable(name, argv);
    if (fromVar !== null) return fromVar;
    const fromFn = this.callBuiltin(name, argv);
    if (fromFn !== null) return fromFn;
    if (argv.length === 0 && name !== '') {
      const v = this.host.env(name);
      if (v !== undefined) {
        this.envUsed.set(name, v);
        return v;
      }
    }
    return '';
  }

  private expandVariable(name: string, argv: string[]): string | null {
    const v = this.vars.get(name);
    if (!v) return null;
    if (argv.length === 0 && v.depth > 0)
      this.fail(`Recursive variable '${name}' references itself (eventually)`);
    if (v.depth > 1000) this.fail('Too deep recursive expansion');
    v.depth++;
    try {
      return v.flavor === 'recursive' ? this.expandString(v.value, argv) : v.value;
    } finally {
      v.depth--;
    }
  }

  private callBuiltin(name: string, argv: string[]): string | null {
    const arity: Record<string, [number, number]> = {
      'error-if': [2, 2],
      filename: [0, 0],
      info: [1, 1],
      lineno: [0, 0],
      shell: [1, 1],
      'warning-if': [2, 2],
    };
    const a = arity[name];
    if (!a) return null;
    if (argv.length < a[0]) this.fail(`too few function arguments passed to '${name}'`);
    if (argv.length > a[1]) this.fail(`too many function arguments passed to '${name}'`);
    const p = this.pos();
    switch (name) {
      case 'error-if':
        if (argv[0] === 'y') this.fail(argv[1]!);
        return '';
      case 'filename':
        return p.file;
      case 'info':
        this.host.info(argv[0]!);
        return '';
      case 'lineno':
        return String(p.line);
      case 'shell':
        return shellResult(this.host.shell(argv[0]!));
      default:
        if (argv[0] === 'y') this.host.warn(`${p.file}:${p.line}: ${argv[1]}`);
        return '';
    }
  }
}

/** do_shell's post-processing: at most 4095 bytes, trailing newlines cut, inner ones to spaces. */
export function shellResult(stdout: string): string {
  let s = stdout.length >= 4096 ? stdout.slice(0, 4095) : stdout;
  s = s.replace(/\n+$/, '');
  return s.replace(/\n/g, ' ');
}
