/**
 * The lines conf reads for a base .config plus fragments plus a cell's requests, merged as
 * scripts/kconfig/merge_config.sh merges them, without parsing the base again for every cell: a
 * plan resolves thousands of cells on one base (and its fragments), so the merged base and its
 * parsed lines are kept per tree and text, and only the requests' lines are new per cell.
 */
import { mergeConfigs, mergeKeys, parseConfigLine, parseConfigLines, type ConfigLine } from './confdata.js';
import type { KconfigTree, Sym } from './types.js';

/** A base's lines as text (for merge_config.sh's removals) and parsed; one object per tree and text. */
export interface ParsedBase {
  readonly raw: readonly string[];
  readonly lines: readonly ConfigLine[];
}

/** Bases kept per tree (and merged bases): a plan has one per arch, base and fragments. */
const KEEP = 16;
const parsed = new WeakMap<KconfigTree, Map<string, ParsedBase>>();
const mergedBases = new Map<string, Map<string, string>>();

function remembered<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    if (map.size >= KEEP) map.clear();
    map.set(key, (v = make()));
  }
  return v;
}

/** mergeConfigs(base, fragments), remembered: every cell of a plan merges the same ones. */
export function mergedBase(base: string, fragments: readonly string[]): string {
  if (!fragments.length) return base;
  const byFragments = remembered(mergedBases, base, () => new Map<string, string>());
  return remembered(byFragments, fragments.join('\u0000'), () => mergeConfigs(base, fragments));
}

function parsedBase(tree: KconfigTree, text: string): ParsedBase {
  let byText = parsed.get(tree);
  if (!byText) parsed.set(tree, (byText = new Map()));
  return remembered(byText, text, () => {
    const raw = text.split('\n');
    return { raw, lines: raw.map((l) => parseConfigLine(tree.byName, l)) };
  });
}

/** A requests fragment merged into a base, line by line. */
export interface MergedRequest {
  /** The parsed lines of mergeConfigs(base, [frag]) as readConfig reads them (numbered from 1). */
  readonly lines: ConfigLine[];
  /** Where the fragment's lines start in `lines`. */
  readonly fragStart: number;
  /** The symbols whose user value may differ from the base's: lines removed, and the fragment's. */
  readonly changed: Sym[];
  /** The base, parsed (one object per tree and text). */
  readonly base: ParsedBase;
}

/** The base's lines merge_config.sh keeps, the empty line it adds, then the fragment's. */
export function mergeRequest(tree: KconfigTree, base: string, frag: string): MergedRequest {
  const parsed = parsedBase(tree, base);
  const { raw, lines } = parsed;
  const keys = mergeKeys(base, frag);
  const out: ConfigLine[] = [];
  const changed: Sym[] = [];
  let last = '';
  for (let i = 0; i < raw.length; i++) {
    const text = raw[i]!;
    const line = lines[i]!;
    if (keys && keys.some((k) => text.includes(k))) {
      if (line && typeof line !== 'string') changed.push(line.sym);
      continue;
    }
    out.push(line);
    last = text;
  }
  // the kept lines joined: '' when none are kept, which reads as one empty line
  if (!out.length) out.push(null);
  // merge_config.sh appends "\n" + frag, after a newline of its own when the text lacks one
  if (!(out.length >= 2 && last === '')) out.push(null);
  const fragLines = parseConfigLines(tree.byName, frag);
  for (const line of fragLines) if (line && typeof line !== 'string') changed.push(line.sym);
  return { lines: out.concat(fragLines), fragStart: out.length, changed, base: parsed };
}
