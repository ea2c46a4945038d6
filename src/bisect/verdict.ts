/**
 * Turning the runs of one tested commit into a bisection verdict (pure).
 *
 * Thresholds, after syzbot's bisection (syzkaller pkg/bisect: a commit is bad when the
 * reproducer crashes with the bug's title, skipped when most instances could not be tested):
 * with `n` runs of which `pass` passed, `fail` failed with the bad end's signature, `other`
 * failed with a different signature and `skip` were untestable (skip, exit 125, error,
 * timeout, `build: broken`):
 *  - bad:      fail >= 1 and pass + fail >= ceil(n / 2). A good commit never fails with the
 *              bad signature, so one such failure is proof; but at least half of the runs must
 *              have tested the commit at all, otherwise the commit itself is too broken to say.
 *  - good:     fail = 0, other = 0 and pass >= ceil(n / 2) ("good only when no run fails").
 *  - mismatch: fail = 0 and other >= 1: a different failure hides the one we look for, so the
 *              commit is untestable (syzbot's rule), and the log says which signature it was.
 *  - skip:     anything else (untestable or inconclusive).
 */

/** One run of one commit as the bisection sees it. */
export interface RunObservation {
  verdict: 'pass' | 'fail' | 'skip' | 'error' | 'timeout';
  signature?: string;
}

/** Verdict of one tested commit. `skip` and `mismatch` are untestable. */
export type TestStatus = 'good' | 'bad' | 'skip' | 'mismatch';

/** Counts of run outcomes of one commit, accumulated over every time it was tested. */
export interface Tally {
  pass: number;
  /** Failures with the bad end's signature. */
  fail: number;
  /** Failures with another signature. */
  other: number;
  /** Untestable runs: skip, exit 125, build broken, error, timeout. */
  skip: number;
}

export const EMPTY_TALLY: Tally = Object.freeze({ pass: 0, fail: 0, other: 0, skip: 0 });

export function tallyTotal(t: Tally): number {
  return t.pass + t.fail + t.other + t.skip;
}

export function addTallies(a: Tally, b: Tally): Tally {
  return { pass: a.pass + b.pass, fail: a.fail + b.fail, other: a.other + b.other, skip: a.skip + b.skip };
}

/**
 * Count runs against the bad signature. With no bad signature known yet (the bad end itself,
 * or a test that prints none) every failure counts as the bad one.
 */
export function tallyRuns(
  runs: readonly RunObservation[],
  badSignature: string | undefined,
): { tally: Tally; otherSignature?: string } {
  const tally = { pass: 0, fail: 0, other: 0, skip: 0 };
  let otherSignature: string | undefined;
  for (const r of runs) {
    if (r.verdict === 'pass') tally.pass++;
    else if (r.verdict === 'fail') {
      if (badSignature === undefined || r.signature === badSignature) tally.fail++;
      else {
        tally.other++;
        otherSignature ??= r.signature ?? '(no signature)';
      }
    } else tally.skip++;
  }
  return otherSignature === undefined ? { tally } : { tally, otherSignature };
}

/** The syzbot-like decision documented at the top of this file. */
export function classify(t: Tally): TestStatus {
  const n = tallyTotal(t);
  if (n === 0) return 'skip';
  const half = Math.ceil(n / 2);
  if (t.fail >= 1 && t.pass + t.fail >= half) return 'bad';
  if (t.fail === 0 && t.other === 0 && t.pass >= half) return 'good';
  if (t.fail === 0 && t.other >= 1) return 'mismatch';
  return 'skip';
}

/** The tally a bare status stands for, for logs written without counts (e.g. by hand). */
export function tallyOfStatus(status: TestStatus): Tally {
  switch (status) {
    case 'good':
      return { pass: 1, fail: 0, other: 0, skip: 0 };
    case 'bad':
      return { pass: 0, fail: 1, other: 0, skip: 0 };
    case 'mismatch':
      return { pass: 0, fail: 0, other: 1, skip: 0 };
    case 'skip':
      return { pass: 0, fail: 0, other: 0, skip: 1 };
  }
}

/** The most frequent failure signature of some runs (ties: the first seen). */
export function dominantSignature(runs: readonly RunObservation[]): string | undefined {
  const counts = new Map<string, number>();
  for (const r of runs)
    if (r.verdict === 'fail' && r.signature !== undefined)
      counts.set(r.signature, (counts.get(r.signature) ?? 0) + 1);
  let best: string | undefined;
  let bestCount = 0;
  for (const [sig, c] of counts) if (c > bestCount) [best, bestCount] = [sig, c];
  return best;
}
