import type { Row } from './types.js';

/**
 * Known algebraic covering arrays, used as starting points when they are smaller than the
 * greedy array: orthogonal arrays from GF(q) (q prime or 4) and Kleitman–Spencer binary arrays
 * of strength 2. Only for instances without a constraint (their rows are not chosen to be valid).
 */
export function algebraicSeed(axes: readonly number[], t: number): Row[] | undefined {
  const k = axes.length;
  if (k === 0 || t < 2) return undefined;
  const candidates: Row[][] = [];
  if (t === 2 && axes.every((n) => n <= 2)) candidates.push(kleitmanSpencer(k));
  const widest = Math.max(...axes);
  const q = FIELDS.find((f) => f.q >= widest && f.q + 1 >= k && f.q >= t);
  if (q) candidates.push(orthogonalArray(q, t, k));
  if (candidates.length === 0) return undefined;
  const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
  // levels above an axis's count fold onto it: rows holding only real levels are unchanged
  const seen = new Set<string>();
  return best
    .map((row) => row.map((v, a) => v % axes[a]!))
    .filter((row) => {
      const key = row.join(',');
      return !seen.has(key) && seen.add(key);
    });
}

/** A finite field GF(q) by its addition and multiplication tables. */
interface Field {
  q: number;
  add: (a: number, b: number) => number;
  mul: (a: number, b: number) => number;
}

const prime = (q: number): Field => ({ q, add: (a, b) => (a + b) % q, mul: (a, b) => (a * b) % q });

/** GF(4) = GF(2)[x]/(x^2+x+1), elements 0, 1, x, x+1 as 0..3: addition is xor. */
const GF4_MUL = [
  [0, 0, 0, 0],
  [0, 1, 2, 3],
  [0, 2, 3, 1],
  [0, 3, 1, 2],
];
const gf4: Field = { q: 4, add: (a, b) => a ^ b, mul: (a, b) => GF4_MUL[a]![b]! };

const FIELDS: Field[] = [prime(2), prime(3), gf4, prime(5), prime(7), prime(11), prime(13)];

/**
 * OA(q^t; t, k, q) for k <= q + 1 and t <= q: the rows are the polynomials of degree < t over
 * GF(q); column x (x in GF(q)) holds the value at x, column q the leading coefficient. Any t
 * columns then determine the polynomial, so each t-tuple appears exactly once.
 */
export function orthogonalArray(field: Field, t: number, k: number): Row[] {
  const { q, add, mul } = field;
  const rows: Row[] = [];
  for (let n = 0; n < q ** t; n++) {
    const coeffs = Array.from({ length: t }, (_, i) => Math.floor(n / q ** i) % q);
    const row: Row = [];
    for (let x = 0; x < Math.min(k, q); x++) {
      let y = 0;
      for (let i = t - 1; i >= 0; i--) y = add(mul(y, x), coeffs[i]!);
      row.push(y);
    }
    if (k > q) row.push(coeffs[t - 1]!);
    rows.push(row);
  }
  return rows;
}

/**
 * Kleitman–Spencer: the smallest N with C(N-1, ceil(N/2)) >= k; the columns are distinct
 * (N-1)-bit words of weight ceil(N/2) under a row of zeros. Two such words are incomparable
 * (1-0 and 0-1 both occur) and intersect (2 ceil(N/2) > N-1), and the zero row gives 0-0.
 */
export function kleitmanSpencer(k: number): Row[] {
  let n = 2;
  while (binomial(n - 1, Math.ceil(n / 2)) < k) n++;
  const weight = Math.ceil(n / 2);
  const words: number[] = [];
  for (let w = 0; w < 2 ** (n - 1) && words.length < k; w++) if (popcount(w) === weight) words.push(w);
  const rows: Row[] = [words.map(() => 0)];
  for (let bit = 0; bit < n - 1; bit++) rows.push(words.map((w) => (w >> bit) & 1));
  return rows;
}

function binomial(n: number, r: number): number {
  if (r < 0 || r > n) return 0;
  let b = 1;
  for (let i = 0; i < r; i++) b = (b * (n - i)) / (i + 1);
  return Math.round(b);
}

function popcount(w: number): number {
  let c = 0;
  for (; w; w &= w - 1) c++;
  return c;
}
