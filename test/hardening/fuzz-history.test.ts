/**
 * Fuzzing the simulated-history loader: random mutations of the shipped histories (trimmed to
 * their interesting commits), parsed directly and through a matrix that names them. A history
 * either loads or is refused with problems located in the history file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { parseSimHistory } from '../../src/history/sim-history.js';
import { assertLocated, corpusDir, loadOrRefuse, mutate, mutationArb, runs } from './fuzz-helpers.js';
import { tempDir } from '../helpers/temp.js';

const corpus = corpusDir();
const texts = corpus.histories.map((f) => [f, readFileSync(path.join(corpus.dir, f), 'utf8')] as const);

describe('history loader fuzzing', () => {
  it('the trimmed shipped histories load, with their tags', () => {
    for (const [f, text] of texts) {
      const r = parseSimHistory(f, text);
      expect(r.ok, f).toBe(true);
      if (r.ok)
        expect(
          r.history.commits.some((c) => c.tags.length > 0),
          f,
        ).toBe(true);
    }
  });

  it('random mutations of the shipped histories, parsed directly: 1,200 cases', () => {
    const seen = { ok: 0, rejected: 0 };
    fc.assert(
      fc.property(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (i, ms) => {
          const [f, text] = texts[i]!;
          const mutated = mutate(text, ms);
          const r = parseSimHistory(f, mutated);
          if (r.ok) {
            seen.ok++;
            expect(r.history.commits.length).toBeGreaterThan(0);
            return;
          }
          seen.rejected++;
          assertLocated(new UserError(r.problems), mutated);
          for (const p of r.problems) expect(p.file).toBe(f);
        },
      ),
      { numRuns: runs(1200) },
    );
    expect(seen.ok).toBeGreaterThan(20);
    expect(seen.rejected).toBeGreaterThan(200);
  });

  it('a matrix naming a mutated history: 300 cases, problems located in the history file', async () => {
    const dir = tempDir('kmatrix-fuzz-h-');
    mkdirSync(path.join(dir, 'histories'));
    const matrixFile = path.join(dir, 'm.yaml');
    const matrixText =
      'name: fuzz-history\nhistory: histories/h.yaml\ncommits: [HEAD~1..HEAD]\n' +
      'matrix:\n  arch: [i386]\n  kconfig:\n    CMA: [y]\n';
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: texts.length - 1 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        async (i, ms) => {
          const mutated = mutate(texts[i]![1], ms);
          writeFileSync(path.join(dir, 'histories', 'h.yaml'), mutated);
          await loadOrRefuse(matrixFile, matrixText);
        },
      ),
      { numRuns: runs(300) },
    );
  });
});
