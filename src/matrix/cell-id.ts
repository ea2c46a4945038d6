/**
 * Cell ids: stable across runs, readable, safe as file names. Shape:
 * `<arch>.<SYM>-<v>...[.<boot>][.<workload>][.mem<size>][.nodes<n>]@<sha12>`, e.g.
 * `i386.HIGHMEM-y.CMA-y.cma-64M.boot@bad8c6c0b114`. A boot line that cannot be spelled
 * losslessly gets a short content hash (`~3fa2c1`).
 */
import { formatSize } from './units.js';

export interface IdParts {
  arch: string;
  /** Requested symbols in axis order. */
  kconfig: ReadonlyArray<readonly [string, string]>;
  boot: string;
  workload: string;
  memory?: number;
  nodes?: number;
  /** Commit label for the id (a sha is shortened to 12). */
  commit: string;
}

const MAX_SLUG = 40;

export function cellId(p: IdParts): string {
  const parts = [memo(slug, p.arch), ...p.kconfig.map(([s, v]) => `${memo(slug, s)}-${memo(slug, v)}`)];
  if (p.boot.trim()) parts.push(memo(bootSlug, p.boot));
  parts.push(memo(slug, p.workload));
  if (p.memory !== undefined) parts.push(`mem${formatSize(p.memory)}`);
  if (p.nodes !== undefined) parts.push(`nodes${p.nodes}`);
  return `${parts.join('.')}@${memo(commitSlug, p.commit)}`;
}

/** `cma=64M` -> `cma-64M`; anything that does not map back one-to-one gets a hash suffix. */
export function bootSlug(boot: string): string {
  const text = boot.trim();
  const plain = /^[A-Za-z0-9=]+$/.test(text);
  let s = text
    .replace(/=/g, '-')
    .replace(/\s+/g, '_')
    .replace(/[^A-Za-z0-9_-]+/g, '-')
    .replace(/[-_]*-[-_]*/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (s.length > MAX_SLUG) s = s.slice(0, MAX_SLUG).replace(/[-_]+$/, '');
  if (plain && s.length === text.length) return s;
  return `${s || 'boot'}~${shortHash(text)}`;
}

/**
 * A plan of 100,000 cells spells the same few axis values over and over: remember their slugs
 * (bounded, so a long-lived process cannot grow it without limit).
 */
const memos = new Map<(s: string) => string, Map<string, string>>();
const MEMO_LIMIT = 10_000;

function memo(fn: (s: string) => string, s: string): string {
  let m = memos.get(fn);
  if (!m) memos.set(fn, (m = new Map()));
  let out = m.get(s);
  if (out === undefined) {
    if (m.size >= MEMO_LIMIT) m.clear();
    m.set(s, (out = fn(s)));
  }
  return out;
}

function commitSlug(commit: string): string {
  return /^[0-9a-f]{13,}$/.test(commit) ? commit.slice(0, 12) : slug(commit);
}

function slug(s: string): string {
  const out = s.replace(/[^A-Za-z0-9_+-]+/g, '-').replace(/^-+|-+$/g, '');
  return out.length > MAX_SLUG || out !== s ? `${out.slice(0, MAX_SLUG) || 'x'}~${shortHash(s)}` : out;
}

export function shortHash(s: string): string {
  // node:crypto is loaded on first use: most plans never hash, and loading it costs start-up time
  return process.getBuiltinModule('node:crypto').createHash('sha1').update(s).digest('hex').slice(0, 6);
}

/**
 * Make ids unique in plan order: the first spelling of an id keeps it, a repeat becomes
 * `x.2`, `x.3`... skipping any suffixed form that another cell spells itself or an earlier
 * repeat took (a matrix may well have a real `x.2`).
 */
export function uniqueIds(ids: string[]): string[] {
  const taken = new Set(ids);
  const first = new Set<string>();
  const next = new Map<string, number>();
  return ids.map((id) => {
    if (!first.has(id)) {
      first.add(id);
      return id;
    }
    let n = next.get(id) ?? 2;
    let out: string;
    do out = suffixed(id, n++);
    while (taken.has(out));
    next.set(id, n);
    taken.add(out);
    return out;
  });
}

const suffixed = (id: string, n: number): string =>
  id.includes('@') ? id.replace('@', `.${n}@`) : `${id}.${n}`;
