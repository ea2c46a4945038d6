/**
 * C number handling as conf does it: strtoll/strtoull with errno and end pointer, the validity
 * rules of sym_string_valid, and expr_calc_value's comparison of two symbol values (numbers when
 * both sides parse as numbers of their type, strcmp otherwise). 64-bit values are BigInts so hex
 * addresses compare exactly.
 */
import type { Sym } from './types.js';

const llMax = (1n << 63n) - 1n;
const llMin = -(1n << 63n);
const ullMax = (1n << 64n) - 1n;

/** Result of strtoll/strtoull: the value, where parsing stopped, and whether it overflowed. */
export interface CNumber {
  value: bigint;
  end: number;
  overflow: boolean;
}

function digitValue(c: string): number {
  const d = parseInt(c, 36);
  return Number.isNaN(d) ? 99 : d;
}

/** strtoll (or strtoull when `unsigned`) with base 0, 10 or 16. */
export function strtoll(s: string, base: 0 | 10 | 16, unsigned = false): CNumber {
  let i = 0;
  while (i < s.length && ' \t\n\v\f\r'.includes(s[i]!)) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') neg = s[i++] === '-';
  let b: number = base;
  const hexPrefix = s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2] ?? '') < 16;
  if ((b === 0 || b === 16) && hexPrefix) {
    b = 16;
    i += 2;
  } else if (b === 0) b = s[i] === '0' ? 8 : 10;
  const start = i;
  let v = 0n;
  const big = BigInt(b);
  while (i < s.length && digitValue(s[i]!) < b) v = v * big + BigInt(digitValue(s[i++]!));
  if (i === start) return { value: 0n, end: 0, overflow: false };
  let overflow = false;
  if (unsigned) {
    if (v > ullMax) {
      overflow = true;
      v = ullMax;
    } else if (neg) v = BigInt.asUintN(64, -v);
  } else {
    if (neg) v = -v;
    if (v > llMax || v < llMin) {
      overflow = true;
      v = v > 0n ? llMax : llMin;
    }
  }
  return { value: v, end: i, overflow };
}

/** sym_string_valid for int and hex symbols. */
export function validNumber(type: 'int' | 'hex', s: string): boolean {
  if (type === 'int') return /^-?(0|[1-9][0-9]*)$/.test(s);
  return /^(0[xX])?[0-9a-fA-F]+$/.test(s);
}

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
