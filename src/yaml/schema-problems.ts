/**
 * Turn zod issues into located, human problems: one per mistake, pointing at the YAML node,
 * with "did you mean" for unknown keys and values.
 */
import type { z } from 'zod';
import type { Problem } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { PathKey, YamlView } from './yaml.js';

type Issue = z.core.$ZodIssue;

/** Known keys at a path, for "did you mean" on unknown keys. */
export type KeysAt = (path: readonly PathKey[]) => readonly string[];

const WHAT: Record<string, string> = {
  arch: 'arch',
  workload: 'workload',
  kconfig: 'Kconfig value',
  memory: 'memory size',
  timeout: 'duration',
  backend: 'backend',
  history: 'history',
};

export function issuesToProblems(yaml: YamlView, issues: readonly Issue[], keysAt: KeysAt): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) out.push(...issueToProblems(yaml, issue, keysAt));
  // a misspelt required key is one mistake: keep "unknown key (did you mean X?)", drop "missing X"
  const misspelt = new Set(
    out.flatMap((p) =>
      p.hint?.startsWith('did you mean ')
        ? [`${p.path.replace(/\.?[^.[\]]+$/, '')}|${p.hint.slice(13, -1)}`]
        : [],
    ),
  );
  // one problem per location and message
  const seen = new Set<string>();
  return out.filter((p) => {
    const missing = /^missing required key "(.+)"$/.exec(p.message);
    if (missing && misspelt.has(`${p.path}|${missing[1]}`)) return false;
    const k = `${p.line}:${p.col}:${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function issueToProblems(yaml: YamlView, issue: Issue, keysAt: KeysAt): Problem[] {
  const path = issue.path as PathKey[];
  const got = valueAt(yaml.value, path);
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = didYouMean(key, keysAt(path)) ?? `known keys: ${keysAt(path).join(', ')}`;
        return yaml.problem([...path, key], `unknown key "${key}"`, { key: true, hint });
      });
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const what = whatAt(path);
      // a one-letter typo of y/n is not worth guessing ("m" is a module: kmatrix options are bool)
      // (only scalars: String() throws on an object whose toString is not a function)
      const text = typeof got === 'object' || typeof got === 'function' ? '' : String(got);
      const guess = text.length > 2 ? didYouMean(text, allowed) : undefined;
      return [
        yaml.problem(path, `unknown ${what} ${show(got)}`, {
          hint: guess ?? `one of: ${allowed.join(', ')}`,
        }),
      ];
    }
    case 'invalid_type': {
      if (got === undefined)
        return [yaml.problem(path.slice(0, -1), `missing required key "${String(path.at(-1))}"`)];
      if (path.length === 0 && got === null)
        return [
          yaml.problem(path, 'the file is empty', { hint: 'a matrix needs at least name: and matrix:' }),
        ];
      const hint =
        whatAt(path) === 'Kconfig value' && issue.expected === 'string' ? 'write y or n' : undefined;
      return [
        yaml.problem(
          path,
          `expected ${article(issue.expected)}, got ${described(got)}`,
          hint ? { hint } : {},
        ),
      ];
    }
    case 'too_small': {
      if (issue.origin === 'array')
        return [yaml.problem(path, issue.message.startsWith('Too small') ? 'list is empty' : issue.message)];
      const bound = issue.inclusive === false ? 'it must be more than' : 'minimum';
      return [yaml.problem(path, `${show(got)} is too small (${bound} ${String(issue.minimum)})`)];
    }
    case 'too_big':
      return [yaml.problem(path, `${show(got)} is too big (maximum ${String(issue.maximum)})`)];
    case 'invalid_format':
      if (String(path.at(-1)) === 'sha' && typeof got !== 'string')
        return [yaml.problem(path, `expected a string, got ${described(got)}`, { hint: 'quote the sha' })];
      return [
        yaml.problem(path, `invalid ${whatAt(path)} ${show(got)}`, { hint: formatHint(path, issue.message) }),
      ];
    case 'invalid_union': {
      // report the branch of the same shape as the input (an object given for an object branch)
      const branch = issue.errors.find(
        (errs) =>
          errs.length > 0 &&
          !errs.some((e) => e.path.length === 0 && (e.code === 'invalid_type' || e.code === 'invalid_value')),
      );
      if (branch)
        return branch.flatMap((e) =>
          issueToProblems(yaml, { ...e, path: [...issue.path, ...e.path] } as Issue, keysAt),
        );
      return [yaml.problem(path, `invalid ${whatAt(path)} ${show(got)}`, { hint: unionHint(path) })];
    }
    default:
      return [yaml.problem(path, issue.message)];
  }
}

function whatAt(path: readonly PathKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const k = path[i];
    if (typeof k === 'string' && WHAT[k]) return WHAT[k];
    if (typeof k === 'string' && i > 0 && path[i - 1] === 'kconfig') return 'Kconfig value';
  }
  return 'value';
}

function formatHint(path: readonly PathKey[], message: string): string {
  const what = whatAt(path);
  if (what === 'memory size') return 'write a size like 8G, 512M or 1024K';
  if (what === 'duration') return 'write a duration like 30s, 10m or 1h';
  if (what === 'Kconfig value') return 'write y, n or m, a number or a string';
  return message.replace(/^Invalid string: /, '');
}

function unionHint(path: readonly PathKey[]): string {
  const what = whatAt(path);
  if (what === 'backend') return 'sim, or {command: [program, args...], timeout: 10m}';
  if (what === 'history') return 'a history file path, or {git: path-to-repository}';
  if (what === 'memory size') return 'write a size like 8G, 512M or 1024K';
  if (what === 'duration') return 'write a duration like 30s, 10m or 1h';
  if (what === 'Kconfig value') return 'write y, n or m, a number or a string';
  return 'see matrices/matrix.schema.json';
}

export function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function described(v: unknown): string {
  const s = show(v);
  return v === null ? 'null' : s ? `${typeName(v)} ${s}` : typeName(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v === 'string'
    ? 'a string'
    : typeof v === 'number'
      ? 'a number'
      : typeof v === 'boolean'
        ? 'a boolean'
        : typeof v;
}

function article(expected: string): string {
  const names: Record<string, string> = {
    array: 'a list',
    object: 'a mapping',
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'a boolean',
    record: 'a mapping',
    map: 'a mapping',
  };
  return names[expected] ?? expected;
}

function show(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'object' && v !== null) return '';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}..."` : s;
}
