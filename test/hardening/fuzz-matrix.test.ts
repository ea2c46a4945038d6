/**
 * Fuzzing the matrix loader in process (loadMatrixText + buildPlan): random YAML, random bytes,
 * matrix-shaped values with wrong and hostile values everywhere, and random mutations of the
 * shipped matrices. Nothing may escape but a UserError of located one-line problems.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { corpusDir, loadOrRefuse, matrixLikeArb, mutate, mutationArb, runs, toYaml } from './fuzz-helpers.js';

const corpus = corpusDir();
const FILE = path.join(corpus.dir, 'fuzz.yaml');

describe('matrix loader fuzzing', () => {
  it('random YAML documents (fc.anything -> yaml.stringify): 3,500 cases', async () => {
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.anything({ maxDepth: 4, withNullPrototype: true, withSparseArray: true, withBoxedValues: true }),
        async (v) => {
          const text = toYaml(v);
          if (text === undefined) return;
          seen[await loadOrRefuse(FILE, text)]++;
        },
      ),
      { numRuns: runs(3500) },
    );
    expect(seen.rejected).toBeGreaterThan(3000);
  });

  it('matrix-shaped values with wrong, hostile and edge values in every slot: 1,500 cases', async () => {
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(matrixLikeArb, async (v) => {
        const text = toYaml(v);
        if (text === undefined) return;
        seen[await loadOrRefuse(FILE, text)]++;
      }),
      { numRuns: runs(1500) },
    );
    expect(seen.rejected).toBeGreaterThan(0);
  });

  it('random bytes, as UTF-8 and as Latin-1: 1,500 cases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (bytes, latin1) => {
        await loadOrRefuse(FILE, Buffer.from(bytes).toString(latin1 ? 'latin1' : 'utf8'));
      }),
      { numRuns: runs(1500) },
    );
  });

  it('random mutations and truncations of shipped matrices: 2,500 cases, some still load', async () => {
    const texts = corpus.matrices.map(
      (f) => [path.join(corpus.dir, f), readFileSync(path.join(corpus.dir, f), 'utf8')] as const,
    );
    // the unmutated corpus loads: the mutations start from valid files
    for (const [file, text] of texts) expect(await loadOrRefuse(file, text), file).toBe('ok');
    const seen = { ok: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        async (i, ms) => {
          const [file, text] = texts[i]!;
          seen[await loadOrRefuse(file, mutate(text, ms))]++;
        },
      ),
      { numRuns: runs(2500) },
    );
    expect(seen.ok).toBeGreaterThan(50);
    expect(seen.rejected).toBeGreaterThan(500);
  });
});
