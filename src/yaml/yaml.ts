/**
 * YAML with positions: parse a user's file once, keep the node tree, and turn any path into
 * `file:line:col`. Pure over the text; reading the file is the caller's job.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from 'yaml';
import type { Problem } from '../errors.js';

/** Refuse inputs above this size before parsing (alias bombs are caught separately). */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
const MAX_ALIASES = 1000;

export type PathKey = string | number;

export interface ParsedYaml {
  file: string;
  value: unknown;
  doc: Document.Parsed;
  /** Locate a path; `key: true` points at the mapping key instead of its value. */
  at(path: readonly PathKey[], opts?: { key?: boolean }): { line: number; col: number };
  problem(
    path: readonly PathKey[],
    message: string,
    opts?: { hint?: string; key?: boolean; offset?: number },
  ): Problem;
}

/**
 * Parsed YAML values remembered by their text (the run keeps them in its cache folder): a hit
 * spares the parse, ~60-100 ms for a 54 KB history at start-up, never the validation.
 */
export interface YamlMemo {
  get(text: string): unknown;
  put(text: string, value: unknown): void;
}

/** What validating a YAML value needs of it: the value, and problems located by path. */
export type YamlView = Pick<ParsedYaml, 'file' | 'value' | 'problem'>;

/**
 * A view of a remembered value: it has no positions, so its problems only tell valid from
 * invalid; the caller parses again to locate them.
 */
export function unlocatedYaml(file: string, value: unknown): YamlView {
  const problem = (path: readonly PathKey[], message: string): Problem => ({
    file,
    line: 1,
    col: 1,
    path: formatPath(path),
    message,
  });
  return { file, value, problem };
}

/** Parse YAML text. Returns the problems when the text is not a usable YAML document. */
export function parseYaml(
  file: string,
  text: string,
): { ok: true; yaml: ParsedYaml } | { ok: false; problems: Problem[] } {
  if (text.length > MAX_YAML_BYTES) {
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          col: 1,
          path: '',
          message:
            `file is ${text.length} bytes, ` +
            `larger than the ${MAX_YAML_BYTES} bytes a matrix or history may have`,
          hint: 'split it or generate fewer entries',
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, merge: false });
  const pos = (offset: number) => {
    const p = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line: p.line, col: p.col };
  };
  const problems: Problem[] = doc.errors.map((e) => ({
    file,
    ...pos(e.pos[0]),
    path: '',
    message: `YAML syntax error: ${firstLine(e.message)}`,
  }));
  if (problems.length) return { ok: false, problems };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const alias = /alias/i.test(message);
    return {
      ok: false,
      problems: [
        {
          file,
          line: 1,
          col: 1,
          path: '',
          message: alias
            ? 'too many YAML alias expansions (an alias bomb?)'
            : `YAML error: ${firstLine(message)}`,
          ...(alias ? { hint: `at most ${MAX_ALIASES} alias uses are allowed` } : {}),
        },
      ],
    };
  }
  const at = (path: readonly PathKey[], opts?: { key?: boolean }) =>
    pos(offsetOf(doc, path, opts?.key ?? false));
  const problem = (
    path: readonly PathKey[],
    message: string,
    opts?: { hint?: string; key?: boolean; offset?: number },
  ): Problem => {
    const base = offsetOf(doc, path, opts?.key ?? false);
    return {
      file,
      ...pos(base + (opts?.offset ?? 0)),
      path: oneLine(formatPath(path)),
      message: oneLine(message),
      ...(opts?.hint ? { hint: oneLine(opts.hint) } : {}),
    };
  };
  return { ok: true, yaml: { file, value, doc, at, problem } };
}

/** `matrix.kconfig.HIGHMEM[1]` */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${k}` : k;
  return out;
}

/** Control characters shown as escapes, so a problem about a key or value "a\nb" stays one line. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * A NUL byte cannot reach a program through argv or the environment: refuse it in any key or
 * string of the document, located, rather than fail at run time as an infrastructure error.
 */
export function nulProblems(yaml: YamlView): Problem[] {
  const out: Problem[] = [];
  // aliases share (and may nest) objects: visit each once
  const seen = new WeakSet<object>();
  const walk = (v: unknown, at: PathKey[]): void => {
    if (out.length >= 20) return;
    if (typeof v === 'string') {
      if (v.includes('\0'))
        out.push(
          yaml.problem(at, 'contains a NUL byte ("\\0"), which cannot be passed to a program', {
            hint: 'remove it',
          }),
        );
      return;
    }
    if (!v || typeof v !== 'object' || seen.has(v)) return;
    seen.add(v);
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, [...at, i]));
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\0'))
        out.push(yaml.problem([...at, k], 'key contains a NUL byte ("\\0")', { key: true }));
      else walk(x, [...at, k]);
    }
  };
  walk(yaml.value, []);
  return out;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Offset of the deepest existing node along `path` (content start, past quotes for strings). */
function offsetOf(doc: Document.Parsed, path: readonly PathKey[], wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    node = deref(doc, node);
    const k = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && scalarValue(p.key) === String(k));
      if (!pair) return offset;
      if (last && wantKey) return rangeStart(pair.key) ?? offset;
      node = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof k === 'number') {
      const item = node.items[k];
      if (item === undefined) return offset;
      node = item;
    } else {
      return offset;
    }
    offset = rangeStart(node) ?? offset;
  }
  return offset;
}

function deref(doc: Document.Parsed, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

function rangeStart(node: unknown): number | undefined {
  const n = node as Node | null | undefined;
  if (!n || !n.range) return undefined;
  // a quoted scalar's content starts one character later: point at the first character
  const quoted = isScalar(n) && (n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE');
  return n.range[0] + (quoted ? 1 : 0);
}
