/**
 * A handful of fuzzed inputs through the real binary (`kmatrix plan`): exit 0 or 2, and on 2
 * nothing on stdout, no stack trace, every stderr line located. The in-process fuzzers run the
 * ten thousand cases; this checks the CLI maps their rejections the same way.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusDir, LOCATED, matrixLikeArb, mutate, mutationArb, toYaml } from './fuzz-helpers.js';
import { startCli } from '../helpers/cli.js';
import { STACK } from './helpers.js';

describe('fuzzed matrices through the CLI', () => {
  it('16 inputs: exit 0 or 2 with located lines only', async () => {
    const corpus = corpusDir();
    const shipped = corpus.matrices.map((f) => readFileSync(path.join(corpus.dir, f), 'utf8'));
    const texts = [
      ...fc.sample(matrixLikeArb, { numRuns: 6, seed: 42 }).map((v) => toYaml(v) ?? ''),
      ...fc
        .sample(
          fc.tuple(
            fc.nat({ max: shipped.length - 1 }),
            fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
          ),
          { numRuns: 6, seed: 43 },
        )
        .map(([i, ms]) => mutate(shipped[i]!, ms)),
      ...fc
        .sample(fc.uint8Array({ maxLength: 200 }), { numRuns: 2, seed: 44 })
        .map((b) => Buffer.from(b).toString('utf8')),
      ...fc.sample(fc.anything({ maxDepth: 3 }), { numRuns: 2, seed: 45 }).map((v) => toYaml(v) ?? ''),
    ];
    const codes: number[] = [];
    for (const [i, text] of texts.entries()) {
      writeFileSync(path.join(corpus.dir, `fuzz-${i}.yaml`), text);
      const r = await startCli(['plan', `fuzz-${i}.yaml`, '--json'], { cwd: corpus.dir });
      codes.push(r.exitCode!);
      expect([0, 2], `fuzz-${i}.yaml: ${r.stderr}`).toContain(r.exitCode);
      expect(r.stderr).not.toMatch(STACK);
      if (r.exitCode === 2) {
        expect(r.stdout).toBe('');
        for (const line of r.stderr.split('\n')) expect(line).toMatch(LOCATED);
      } else {
        expect(JSON.parse(r.stdout).cells.length).toBeGreaterThan(0);
      }
    }
    expect(codes.filter((c) => c === 2).length).toBeGreaterThan(8);
  }, 120_000);
});
