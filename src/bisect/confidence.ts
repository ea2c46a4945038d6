/**
 * How sure a bisection is of its answer (pure).
 *
 * Model: the first bad commit is `c`, uniformly a priori anywhere in 1..n-1 (index 0 is the
 * known good end). A commit before `c` never fails with the bad signature; a commit at or after
 * `c` fails each run independently with probability `q`. Untestable and mismatching runs carry
 * no information. For a tested commit `i` with `p` passing and `f` signature-failing runs:
 *
 *     P(obs_i | c) = [f = 0]                    if i < c
 *                  = q^f * (1 - q)^p            if i >= c
 *
 *     confidence = sum over c in the answer of prod_i P(obs_i | c)
 *                  / sum over c in 1..n-1 of prod_i P(obs_i | c)
 *
 * `q` is estimated as the fraction of signature failures among the runs of commits classified
 * bad (the maximum-likelihood estimate over those commits). A deterministic test gives q = 1,
 * and then consistent observations give confidence 1. The estimate is a little high (a commit
 * is only classified bad after at least one failure), so the figure leans optimistic.
 * The likelihood is constant between tested commits, so the sums run over segments, in log
 * space: the cost is O(tested commits), whatever n is.
 */
import type { Tally, TestStatus } from './verdict.js';

/** Estimated probability that one run of a bad commit fails with the signature. */
export function estimateFailureProbability(
  tallies: Readonly<Record<number, Tally>>,
  statuses: Readonly<Record<number, TestStatus>>,
): number {
  let fail = 0;
  let runs = 0;
  for (const key of Object.keys(tallies)) {
    const i = Number(key);
    if (statuses[i] !== 'bad') continue;
    const t = tallies[i]!;
    fail += t.fail;
    runs += t.fail + t.pass;
  }
  return runs === 0 ? 1 : fail / runs;
}

/**
 * Posterior probability that the first bad commit lies in the index interval (lo, hi], given
 * the tallies of n commits and the per-run failure probability q of a bad commit.
 */
export function answerConfidence(
  n: number,
  tallies: Readonly<Record<number, Tally>>,
  lo: number,
  hi: number,
  q: number,
): number {
  const informative = Object.keys(tallies)
    .map(Number)
    .filter((i) => tallies[i]!.pass + tallies[i]!.fail > 0)
    .sort((a, b) => a - b);
  const m = informative.length;
  const logQ = Math.log(Math.min(1, Math.max(q, Number.MIN_VALUE)));
  const log1mQ = q >= 1 ? -Infinity : Math.log(1 - q);
  const weight = (t: Tally) => (t.fail ? t.fail * logQ : 0) + (t.pass ? t.pass * log1mQ : 0);
  // suffix[j]: log-likelihood contribution of informative[j..] when all of them are >= c
  const suffix = new Array<number>(m + 1).fill(0);
  for (let j = m - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + weight(tallies[informative[j]!]!);
  const segments: Array<{ from: number; to: number; logL: number }> = [];
  let failedBelow = false;
  for (let j = 0; j <= m; j++) {
    // c in (informative[j-1], informative[j]], clipped to 1..n-1
    const from = Math.max(1, j === 0 ? 1 : informative[j - 1]! + 1);
    const to = Math.min(n - 1, j === m ? n - 1 : informative[j]!);
    if (!failedBelow && to >= from) segments.push({ from, to, logL: suffix[j]! });
    if (j < m && tallies[informative[j]!]!.fail > 0) failedBelow = true;
  }
  const finite = segments.filter((s) => s.logL > -Infinity);
  if (finite.length === 0) return 0;
  const max = Math.max(...finite.map((s) => s.logL));
  let total = 0;
  let answer = 0;
  for (const s of finite) {
    const w = Math.exp(s.logL - max);
    total += (s.to - s.from + 1) * w;
    const a = Math.max(s.from, lo + 1);
    const b = Math.min(s.to, hi);
    if (b >= a) answer += (b - a + 1) * w;
  }
  return total > 0 ? answer / total : 0;
}
