/**
 * Why a requested value did not hold, in the kernel's own terms: the unmet `depends on` (with the
 * operands that are too low and their values), the selects that force a value up, the choice
 * that picked another member, or the range that clamped a number.
 */
import type { Evaluation } from './evaluate.js';
import { exprSymbols, exprToString, flatten } from './expr.js';
import type { Resolved, Requests } from './resolve.js';
import type { Expr, Sym, Tri } from './types.js';

/** A request that the resolved configuration does not honour, and the kernel's reason. */
export interface Unmet {
  readonly symbol: string;
  readonly requested: string;
  readonly actual: string;
  readonly reason: string;
}

const triName = (t: number): string => 'nmy'[t] ?? '?';

/** Every request whose value differs in the result, explained. */
export function explainRequests(resolved: Resolved, requests: Requests, where = ''): Unmet[] {
  const ev = resolved.evaluation;
  const out: Unmet[] = [];
  for (const [name, requested] of Object.entries(requests)) {
    const sym = ev.tree.byName.get(name);
    if (!sym || sym.type === 'unknown') {
      out.push({
        symbol: name,
        requested,
        actual: '',
        reason: `${name}=${requested} requested but ${name} is not defined in this tree`,
      });
      continue;
    }
    const actual = resolvedValue(resolved, name);
    if (actual === requested) continue;
    out.push({ symbol: name, requested, actual, reason: explain(ev, sym, requested, actual, where) });
  }
  return out;
}

/**
 * A symbol's value as the written .config has it: y/m/n for bool and tristate (n when not
 * written), the text of other types ("" when not written or not defined).
 */
export function resolvedValue(resolved: Resolved, name: string): string {
  const ev = resolved.evaluation;
  const sym = ev.tree.byName.get(name);
  if (!sym || sym.type === 'unknown') return '';
  ev.calc(sym);
  if (ev.flags[sym.id]! & 2) return ev.stringValue(sym);
  return sym.type === 'bool' || sym.type === 'tristate' ? 'n' : '';
}

/** Values of the symbols in `e`, e.g. "HAVE_ARCH_KASAN=n, CC_HAS_KASAN_GENERIC=y". */
function valuesOf(ev: Evaluation, e: Expr | null): string {
  return exprSymbols(e)
    .filter((s) => !s.isConst)
    .map((s) => (s.type === 'unknown' ? `${s.name} undefined` : `${s.name}=${ev.stringValue(s) || '""'}`))
    .join(', ');
}

/** The operands of an AND chain that are below `want`, with their symbols' values. */
function blockers(ev: Evaluation, e: Expr | null, want: Tri): string {
  const seen = new Set<string>();
  const low = flatten(e, 'and').filter((t) => {
    const key = exprToString(t);
    const fresh = !seen.has(key);
    seen.add(key);
    return fresh && ev.expr(t) < want;
  });
  return low
    .map((t) => (t.k === 'sym' ? valuesOf(ev, t) : `${exprToString(t)} (${valuesOf(ev, t)})`))
    .join(', ');
}

function explain(ev: Evaluation, sym: Sym, requested: string, actual: string, where: string): string {
  const name = sym.name!;
  const head = `${name}=${requested} requested but`;
  const choice = ev.index.choiceOf(sym);
  if (choice) {
    const chosen = ev.index.choiceMembersInMenuOrder(choice).find((s) => ev.tri[s.id] === 2);
    if (ev.visible[sym.id] === 0) {
      const vis = ev.index.info(sym).prompts[0]?.visible ?? null;
      const inChoice = `${name} is not visible in choice "${choice.prompt?.text}"`;
      return `${head} ${inChoice} (${exprToString(vis)}: ${valuesOf(ev, vis)})`;
    }
    return `${head} choice "${choice.prompt?.text}" selects ${chosen?.name ?? 'nothing'}`;
  }
  const isTri = sym.type === 'bool' || sym.type === 'tristate';
  const want = (isTri ? 'nmy'.indexOf(requested) : 2) as Tri;
  const visible = ev.visible[sym.id] as Tri;
  const revDep = ev.revDep[sym.id] as Tri;
  if (isTri && want < 'nmy'.indexOf(actual) && revDep > want) {
    const by = flatten(sym.revDep, 'or')
      .filter((t) => ev.expr(t) > want)
      .map((t) => exprToString(t).replace(/ && .*$/, ''));
    return `${head} ${name} is selected by ${by.join(', ')}`;
  }
  if (visible < want || (!isTri && visible === 0)) {
    const prompts = ev.index.info(sym).prompts;
    if (prompts.length === 0)
      return `${head} ${name} has no prompt: only defaults and selects set it (${name}=${actual || '""'})`;
    const dep = sym.dirDep;
    const why =
      blockers(ev, dep, want === 0 ? 2 : want) || blockers(ev, prompts[0]!.visible, want === 0 ? 2 : want);
    const because = why || `its prompt is hidden (${valuesOf(ev, prompts[0]!.visible)})`;
    return `${head} ${name} depends on ${exprToString(dep)}, and${where ? ` ${where}` : ''} ${because}`;
  }
  if (isTri && visible === 0 && want < 'nmy'.indexOf(actual)) {
    // asking for less than the default of a symbol whose prompt is hidden: the default stays
    const vis = ev.index.info(sym).prompts[0]?.visible;
    if (vis !== undefined) {
      const hidden = `the prompt of ${name} is hidden (${blockers(ev, vis, 1) || valuesOf(ev, vis)})`;
      return `${head} ${hidden}, so its default ${actual} holds`;
    }
  }
  if (sym.type === 'int' || sym.type === 'hex') {
    const range = ev.index.info(sym).ranges.find((p) => ev.expr(p.visible) !== 0);
    if (range)
      return `${head} ${name} has range ${range.range![0].name} ${range.range![1].name}, so it is ${actual}`;
  }
  if (isTri && sym.type === 'tristate' && requested === 'm' && ev.modulesVal === 0)
    return `${head} MODULES=n, so tristate ${name} behaves as bool`;
  const state = `visible=${triName(visible)}, selected=${triName(revDep)}`;
  return `${head} ${name} resolved to ${actual || '""'} (${state})`;
}
