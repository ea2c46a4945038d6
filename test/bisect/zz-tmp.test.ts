import { it } from 'vitest';
import { drive, prng, BAD } from './helpers.js';
it('x', () => {
  for (const mv of [0, 8]) {
    let right = 0; let verif = 0; let rounds = 0;
    for (let t = 0; t < 1000; t++) {
      const rand = prng(5000 + t);
      const n = 2 + Math.floor(rand() * 2000);
      const culprit = 1 + Math.floor(rand() * (n - 1));
      const k = 1 + Math.floor(rand() * 4);
      const oracle = (i: number) => (i >= culprit && rand() < 0.3 ? { verdict: 'fail' as const, signature: BAD } : { verdict: 'pass' as const });
      let run = drive(n, k, oracle, { repeat: 10, maxVerifyRounds: mv });
      while (run.result.phase === 'refused') run = drive(n, k, oracle, { repeat: 10, maxVerifyRounds: mv });
      if (run.result.culprit === culprit) right++;
      verif += run.state.verifyRounds; rounds += run.result.rounds;
    }
    console.log(mv, right / 1000, verif / 1000, rounds / 1000);
  }
});
