/**
 * The openly non-mechanistic `inject` switch: a rule fails matching cells with a given report
 * line and probability, decided by a hash of (axes, commit, attempt, seed, rule), never by a
 * random source, so flaky regressions replay exactly.
 */
import type { InjectRule } from './types.js';

/** cyrb53: a small, well-mixed 53-bit string hash. */
export function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A rule matches when every key of `when` equals the cell's flattened axis value. */
export function injectMatches(rule: InjectRule, axes: Record<string, string>): boolean {
  return Object.entries(rule.when ?? {}).every(([k, v]) => axes[k] === String(v));
}

export interface InjectContext {
  axes: Record<string, string>;
  sha: string;
  attempt: number;
  seed: number;
}

/** The first rule that fires for this (cell, commit, attempt, seed), if any. */
export function firedRule(rules: readonly InjectRule[], ctx: InjectContext): InjectRule | undefined {
  const axes = Object.keys(ctx.axes)
    .sort()
    .map((k) => `${k}=${ctx.axes[k]}`)
    .join(',');
  return rules.find((rule, i) => {
    if (!injectMatches(rule, ctx.axes)) return false;
    const p = rule.probability ?? 1;
    if (p >= 1) return true;
    if (p <= 0) return false;
    const u = hash53(`${axes}|${ctx.sha}|${ctx.attempt}|${ctx.seed}|${i}`) / 2 ** 53;
    return u < p;
  });
}
