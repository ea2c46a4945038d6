/**
 * The comparison of two symbol values in expressions (expr_calc_value's relational part):
 * numbers when both sides parse as numbers of their type, strcmp otherwise.
 */
import { strtoll } from './cnum.js';
import type { Sym } from './types.js';

type Parsed = { kind: 'string' } | { kind: 'signed' | 'unsigned'; value: bigint };

/** expr_parse_string. */
function parse(str: string, sym: Sym): Parsed {
  switch (sym.type) {
    case 'bool':
    case 'tristate':
      return { kind: 'signed', value: str === 'n' ? 0n : str === 'm' ? 1n : str === 'y' ? 2n : -1n };
    default: {
      const unsigned = sym.type === 'hex';
      const r = strtoll(str, sym.type === 'int' ? 10 : sym.type === 'hex' ? 16 : 0, unsigned);
      const last = str[r.end - 1] ?? '';
      const ok = !r.overflow && r.end === str.length && r.end > 0 && /[0-9a-fA-F]/.test(last);
      return ok ? { kind: unsigned ? 'unsigned' : 'signed', value: r.value } : { kind: 'string' };
    }
  }
}

/** <0, 0 or >0 as the kernel compares the two sides of `l <op> r`. */
export function compareValues(l: Sym, lv: string, r: Sym, rv: string): number {
  let k1: Parsed = { kind: 'string' };
  let k2: Parsed = { kind: 'string' };
  if (l.type !== 'string' || r.type !== 'string') {
    k1 = parse(lv, l);
    k2 = parse(rv, r);
  }
  if (k1.kind === 'string' || k2.kind === 'string') return lv < rv ? -1 : lv > rv ? 1 : 0;
  let a = k1.value;
  let b = k2.value;
  if (k1.kind === 'unsigned' || k2.kind === 'unsigned') {
    a = BigInt.asUintN(64, a);
    b = BigInt.asUintN(64, b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}
