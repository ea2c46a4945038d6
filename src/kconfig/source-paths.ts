/**
 * The files a source statement names. Linux 6.12 knows only `source "path"`; the Kconfiglib
 * extensions rsource (relative to the including file), osource (optional) and orsource, and glob
 * patterns, are accepted too so trees that use them parse (a 6.12 tree never does).
 */
import type { KconfigSource } from './parser.js';

/** The source statement keywords. */
export type SourceKind = 'source' | 'rsource' | 'osource' | 'orsource';

/** Whether a word is one of the source keywords kmatrix accepts beyond `source`. */
export function isSourceExtension(word: string): word is SourceKind {
  return word === 'rsource' || word === 'osource' || word === 'orsource';
}

/** A glob (`*`, `?`, `[...]`, no `**`) as an anchored regular expression over a whole path. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function isGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i + 1);
}

/**
 * The paths to parse, in order; null when a mandatory source matches nothing (the caller reports
 * it where the statement is). A non-glob mandatory path is returned as is, so reading it reports
 * a missing file.
 */
export function sourcePaths(
  kind: SourceKind,
  pattern: string,
  from: string,
  src: KconfigSource,
): string[] | null {
  const path = kind === 'rsource' || kind === 'orsource' ? `${dirname(from)}${pattern}` : pattern;
  const optional = kind === 'osource' || kind === 'orsource';
  if (!isGlob(path)) return optional && src.readFile(path) === undefined ? [] : [path];
  const found = (src.glob?.(path) ?? []).slice().sort();
  return found.length || optional ? found : null;
}
