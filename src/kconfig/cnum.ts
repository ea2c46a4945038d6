/**
 * C library number parsing as conf uses it (strtoll/strtoull with errno and end pointer), and
 * the string validity rules of sym_string_valid. 64-bit values are BigInts so that hex
 * addresses compare exactly.
 */

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
