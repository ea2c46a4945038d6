/**
 * Revision names against a loaded history, as git spells them: full or abbreviated shas, tags,
 * HEAD, REV~N, and ranges A..B (the commits after A up to and including B).
 */
import { closest } from '../util/suggest.js';
import type { History } from './types.js';

export type RevResult = { ok: true; index: number } | { ok: false; message: string; hint?: string };
export type RangeResult = { ok: true; indices: number[] } | { ok: false; message: string; hint?: string };

export function resolveRev(history: History, rev: string): RevResult {
  const m = /^([\s\S]*?)(?:~(\d+))?$/.exec(rev.trim())!;
  const base = m[1]!;
  const back = m[2] === undefined ? 0 : Number(m[2]);
  const found = resolveBase(history, base);
  if (!found.ok) return found;
  const index = found.index - back;
  if (index < 0)
    return { ok: false, message: `${rev} goes past the first commit of history ${history.name}` };
  return { ok: true, index };
}

function resolveBase(history: History, rev: string): RevResult {
  const last = history.commits.length - 1;
  if (rev === 'HEAD' || rev === '') return { ok: true, index: last };
  const exact = history.index.get(rev);
  if (exact !== undefined) return { ok: true, index: exact };
  for (let i = 0; i < history.commits.length; i++)
    if (history.commits[i]!.tags.includes(rev)) return { ok: true, index: i };
  if (/^[0-9a-f]{4,40}$/i.test(rev)) {
    const lower = rev.toLowerCase();
    const hits: number[] = [];
    for (let i = 0; i < history.commits.length && hits.length < 2; i++)
      if (history.commits[i]!.sha.startsWith(lower)) hits.push(i);
    if (hits.length === 1) return { ok: true, index: hits[0]! };
    if (hits.length > 1)
      return {
        ok: false,
        message: `commit ${rev} is ambiguous in history ${history.name}`,
        hint: 'give more hex digits',
      };
  }
  const tags = history.commits.flatMap((c) => c.tags);
  const near = closest(rev, tags);
  return {
    ok: false,
    message: `unknown commit or tag "${rev}" in history ${history.name}`,
    hint: near
      ? `did you mean ${near}?`
      : tags.length
        ? `tags: ${tags.slice(0, 8).join(', ')}${tags.length > 8 ? ', ...' : ''}`
        : 'give a sha of the history',
  };
}

/** A single rev or a range `A..B`. */
export function resolveRevOrRange(history: History, spec: string): RangeResult {
  const dots = spec.indexOf('..');
  if (dots < 0) {
    const r = resolveRev(history, spec);
    return r.ok ? { ok: true, indices: [r.index] } : r;
  }
  const from = spec.slice(0, dots);
  const to = spec.slice(dots + 2);
  if (to.startsWith('.')) return { ok: false, message: `malformed range "${spec}"`, hint: 'write A..B' };
  const a = resolveRev(history, from || '');
  if (!a.ok) return a;
  const b = resolveRev(history, to || 'HEAD');
  if (!b.ok) return b;
  const start = from ? a.index + 1 : 0;
  if (start > b.index)
    return {
      ok: false,
      message: `range "${spec}" is empty: ${from} is not older than ${to || 'HEAD'}`,
      hint: 'ranges go from older to newer',
    };
  const indices: number[] = [];
  for (let i = start; i <= b.index; i++) indices.push(i);
  return { ok: true, indices };
}
