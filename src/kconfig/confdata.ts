/**
 * Reading and writing .config files (scripts/kconfig/confdata.c): conf_read_simple's line rules
 * (including choice-member priority), conf_write's menu walk with menu comment blocks and
 * "# end of" lines, and merge_config.sh's fragment merging.
 */
import { validNumber } from './cnum.js';
import { DEF_USER, type Evaluation } from './evaluate.js';
import type { MenuNode, Sym } from './types.js';

const prefix = 'CONFIG_';

/** A line of a .config as conf_read_simple reads it: a symbol's value, a warning, or nothing. */
export type ConfigLine = { readonly sym: Sym; readonly name: string; readonly val: string } | string | null;

/** The lines of a .config text, each parsed (no trailing empty line after a final newline). */
export function parseConfigLines(byName: ReadonlyMap<string, Sym>, text: string): ConfigLine[] {
  const lines = text.split('\n');
  if (text === '' || text.endsWith('\n')) lines.pop();
  return lines.map((l) => parseConfigLine(byName, l));
}

/** One line: the symbol and value it sets, the warning it gives ("unexpected data"), or null. */
export function parseConfigLine(byName: ReadonlyMap<string, Sym>, text: string): ConfigLine {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  if (!line) return null;
  let name: string;
  let val: string;
  if (line[0] === '#') {
    if (!line.startsWith('# CONFIG_')) return null;
    const sp = line.indexOf(' ', 9);
    if (sp < 0 || line.slice(sp + 1) !== 'is not set') return null;
    [name, val] = [line.slice(9, sp), 'n'];
  } else {
    const eq = line.indexOf('=');
    if (!line.startsWith(prefix) || eq < 0) return `unexpected data: ${line}`;
    [name, val] = [line.slice(prefix.length, eq), line.slice(eq + 1)];
  }
  const sym = byName.get(name);
  return sym ? { sym, name, val } : null;
}

/** conf_read_simple into a fresh evaluation: user values and choice priorities; returns warnings. */
export function readConfig(ev: Evaluation, text: string, file = '.config'): string[] {
  return applyConfigLines(ev, parseConfigLines(ev.tree.byName, text), file);
}

/** conf_read_simple's effect of parsed lines from `from` on (line numbers count from 1 in `lines`). */
export function applyConfigLines(
  ev: Evaluation,
  lines: readonly ConfigLine[],
  file = '.config',
  from = 0,
): string[] {
  const warnings: string[] = [];
  const seen = new Uint8Array(ev.tree.symbols.length);
  const at = (i: number): string => `${file}:${i + 1}:warning: `;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (line === null || line === undefined) continue;
    if (typeof line === 'string') {
      warnings.push(at(i) + line);
      continue;
    }
    const { sym, name, val } = line;
    if (seen[sym.id]) warnings.push(`${at(i)}override: reassigning to symbol ${name}`);
    const problem = setUserValue(ev, sym, val);
    if (problem !== null) {
      if (problem) warnings.push(at(i) + problem);
      continue;
    }
    seen[sym.id] = 1;
    const choice = sym.choiceNode && ev.index.choiceOf(sym);
    if (choice) {
      const order = (ev.choiceOrder.get(choice) ?? choice.members).filter((s) => s !== sym);
      ev.choiceOrder.set(choice, [sym, ...order]);
    }
  }
  return warnings;
}

/** conf_set_sym_val: null when the value is taken, else the warning ('' for none). */
function setUserValue(ev: Evaluation, sym: Sym, p: string): string | null {
  const id = sym.id;
  switch (sym.type) {
    case 'bool':
    case 'tristate': {
      const t = p[0] === 'm' && sym.type === 'tristate' ? 1 : p[0] === 'y' ? 2 : p[0] === 'n' ? 0 : -1;
      if (t < 0) return `symbol value '${p}' invalid for ${sym.name}`;
      ev.userTri[id] = t;
      ev.flags[id]! |= DEF_USER;
      return null;
    }
    case 'string': {
      if (p[0] !== '"') return null;
      let out = '';
      let i = 1;
      for (; i < p.length && p[i] !== '"'; i++) {
        if (p[i] === '\\') i++;
        if (i < p.length) out += p[i];
      }
      if (i >= p.length) return 'invalid string found';
      ev.userVal[id] = out;
      ev.flags[id]! |= DEF_USER;
      return null;
    }
    case 'int':
    case 'hex':
      if (!validNumber(sym.type, p)) return `symbol value '${p}' invalid for ${sym.name}`;
      ev.userVal[id] = p;
      ev.flags[id]! |= DEF_USER;
      return null;
    default:
      return null;
  }
}

/** menu_is_visible for nodes without a symbol (menus and comments). */
function nodeVisible(ev: Evaluation, node: MenuNode): boolean {
  if (!node.prompt) return false;
  if (node.visibility && ev.expr(node.visibility) === 0) return false;
  return ev.expr(node.prompt.visible) !== 0;
}

function escapeString(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** conf_write: the .config text of an evaluation. */
export function writeConfig(ev: Evaluation): string {
  const out: string[] = ['#\n# Automatically generated file; DO NOT EDIT.\n'];
  out.push(`# ${ev.tree.root.prompt?.text ?? 'Main menu'}\n#\n`);
  const written = new Uint8Array(ev.tree.symbols.length);
  let needNewline = false;
  const visit = (node: MenuNode): void => {
    const sym = node.sym;
    if (!sym) {
      if (nodeVisible(ev, node)) {
        out.push(`\n#\n# ${node.prompt!.text}\n#\n`);
        needNewline = false;
      }
    } else if (sym.name !== null && !written[sym.id]) {
      ev.calc(sym);
      if (ev.flags[sym.id]! & 2 /* WRITE */) {
        if (needNewline) {
          out.push('\n');
          needNewline = false;
        }
        written[sym.id] = 1;
        const line = symbolLine(ev, sym);
        if (line) out.push(line);
      }
    }
    for (const c of node.children) visit(c);
    if (!sym && node.kind === 'menu' && nodeVisible(ev, node)) {
      out.push(`# end of ${node.prompt!.text}\n`);
      needNewline = true;
    }
  };
  for (const c of ev.tree.root.children) visit(c);
  return out.join('');
}

/** print_symbol_for_dotconfig. */
function symbolLine(ev: Evaluation, sym: Sym): string {
  if (sym.type === 'unknown') return '';
  const val = ev.stringValue(sym);
  if ((sym.type === 'bool' || sym.type === 'tristate') && val === 'n')
    return `# ${prefix}${sym.name} is not set\n`;
  return `${prefix}${sym.name}=${sym.type === 'string' ? escapeString(val) : val}\n`;
}

/**
 * What merge_config.sh removes from `merged` before it appends `frag`: the keys ("NAME " and
 * "NAME=") of the fragment's symbols that `merged` mentions (grep -w), or undefined for none.
 */
export function mergeKeys(merged: string, frag: string): string[] | undefined {
  const names = new Set<string>();
  for (const line of frag.split('\n')) {
    const m = /^(CONFIG_[a-zA-Z0-9_]*)=/.exec(line) ?? /^# (CONFIG_[a-zA-Z0-9_]*) is not set$/.exec(line);
    if (m) names.add(m[1]!);
  }
  // grep -w NAME, then sed "/NAME[ =]/d": lines merely containing "NAME " or "NAME=" go too
  const doomed = [...names].filter(
    (name) => merged.includes(name) && new RegExp(`(^|[^A-Za-z0-9_])${name}($|[^A-Za-z0-9_])`).test(merged),
  );
  return doomed.length ? doomed.flatMap((n) => [`${n} `, `${n}=`]) : undefined;
}

/** merge_config.sh -m: each fragment's symbols replace earlier lines, then the fragment is appended. */
export function mergeConfigs(base: string, fragments: readonly string[]): string {
  let merged = base;
  for (const frag of fragments) {
    const keys = mergeKeys(merged, frag);
    if (keys)
      merged = merged
        .split('\n')
        .filter((l) => !keys.some((k) => l.includes(k)))
        .join('\n');
    // merge_config.sh: `echo >> merged` then the fragment
    merged = `${merged}${merged.endsWith('\n') ? '' : '\n'}\n${frag}`;
  }
  return merged;
}
