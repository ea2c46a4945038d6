/**
 * Seeded random requests over a whole tree: symbols of every type, values of their type
 * (y/m/n for tristate, y/n for bool, numbers for int and hex, text for string).
 */
import type { KconfigTree, Sym } from '../../src/kconfig/types.js';
import { mulberry32 } from '../../src/util/prng.js';

/** The seeded PRNG (mulberry32) of src/util, under the name the tests use. */
export const prng = mulberry32;

function valueFor(sym: Sym, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  switch (sym.type) {
    case 'bool':
      return pick(['y', 'n']);
    case 'tristate':
      return pick(['y', 'm', 'n']);
    case 'int':
      return String(pick([0, 1, 2, 8, 64, 1000, Math.floor(rnd() * 100000)]));
    case 'hex':
      return `0x${pick([0, 0x10, 0x1000, Math.floor(rnd() * 0xffffff)]).toString(16)}`;
    default:
      return pick(['kmatrix', '', 'a "quoted" \\ value']);
  }
}

/**
 * `count` requests of 1 to 3 symbols each, as name -> value maps. Symbols come from the whole
 * tree; when `changeable` is given, two in three come from it (symbols whose prompt is visible in
 * the base), since most symbols of a tree are out of reach and their requests change nothing.
 */
export function randomRequests(
  tree: KconfigTree,
  seed: number,
  count: number,
  changeable?: (s: Sym) => boolean,
): Record<string, string>[] {
  const rnd = prng(seed);
  const all = [...tree.byName.values()].filter((s) => s.type !== 'unknown');
  const open = changeable ? all.filter(changeable) : all;
  return Array.from({ length: count }, () => {
    const req: Record<string, string> = {};
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) {
      const syms = rnd() < 2 / 3 && open.length ? open : all;
      const s = syms[Math.floor(rnd() * syms.length)]!;
      req[s.name!] = valueFor(s, rnd);
    }
    return req;
  });
}

/** The fragment a user would write for a request (written here independently of the engine). */
export function fragmentOf(tree: KconfigTree, req: Record<string, string>): string {
  return Object.entries(req)
    .map(([name, v]) => {
      const t = tree.byName.get(name)!.type;
      if ((t === 'bool' || t === 'tristate') && v === 'n') return `# CONFIG_${name} is not set\n`;
      if (t === 'string') return `CONFIG_${name}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`;
      return `CONFIG_${name}=${v}\n`;
    })
    .join('');
}
