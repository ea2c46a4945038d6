// Bench 3a: tests and rounds of the k-ary search on skip-free ranges of N simulated commits,
// against ceil(log2 N) (git bisect) and ceil(log_{k+1} N). Pure: no processes involved.
import { applyResults, nextRound, outcome, startSearch } from '../../dist/bisect/commit-search.js';

export const name = 'bisect-cost';

function bisect(n, k, culprit) {
  let state = startSearch(n);
  for (;;) {
    const probes = nextRound(state, k);
    if (probes.length === 0) break;
    state = applyResults(
      state,
      probes.map((p) => ({
        index: p.index,
        runs: [p.index >= culprit ? { verdict: 'fail', signature: 'BUG: x' } : { verdict: 'pass' }],
      })),
    );
  }
  return outcome(state);
}

export async function run() {
  const rows = [];
  for (const n of [10, 100, 1000, 10000, 100000]) {
    for (const k of [1, 2, 4, 8]) {
      let worstRounds = 0;
      let totalTests = 0;
      const culprits = [1, Math.floor(n / 3), Math.floor(n / 2), n - 1];
      for (const c of culprits) {
        const o = bisect(n, k, c);
        if (o.culprit !== c)
          throw new Error(`bisect-cost: wrong culprit for n=${n} k=${k} c=${c}: ${o.culprit}`);
        worstRounds = Math.max(worstRounds, o.rounds);
        totalTests += o.tests;
      }
      const bound = Math.ceil(Math.log(n - 1) / Math.log(k + 1));
      rows.push({
        bench: `bisect N=${n} k=${k}`,
        value: worstRounds,
        unit: 'rounds',
        target: `<= ${bound + 1} (ceil(log_${k + 1} N)=${bound}; git: ${Math.ceil(Math.log2(n))} steps)`,
        ok: worstRounds <= bound + 1,
        extra: { meanTests: totalTests / culprits.length },
      });
    }
  }
  return rows;
}
