/**
 * Cell ids are unique whatever the axis values: the suffix that tells repeated cells apart
 * (`.2`, `.3`...) never equals an id the matrix spells itself (duplicate JUnit names, an
 * unmergeable run).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellId, uniqueIds } from '../../src/matrix/cell-id.js';

describe('unique cell ids', () => {
  it('a repeated id does not take the name of a real id spelled like its suffix', () => {
    expect(uniqueIds(['a@1', 'a@1', 'a.2@1'])).toEqual(['a@1', 'a.3@1', 'a.2@1']);
    expect(uniqueIds(['a.2@1', 'a@1', 'a@1', 'a.2@1'])).toEqual(['a.2@1', 'a@1', 'a.3@1', 'a.2.2@1']);
  });

  it('ids are unique and first spellings kept for arbitrary axis values', () => {
    const value = fc.constantFrom('y', 'n', 'm', '2', '3', 'boot', 'boot.2', 'x.2', '');
    const parts = fc.record({
      boot: value,
      workload: fc.constantFrom('boot', '2', 'boot.2', 'stress'),
      sym: value,
      nodes: fc.option(fc.constantFrom(1, 2), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(parts, { maxLength: 30 }), (cells) => {
        const ids = cells.map((c) =>
          cellId({
            arch: 'x86_64',
            kconfig: [['CMA', c.sym || 'y']],
            boot: c.boot,
            workload: c.workload,
            ...(c.nodes ? { nodes: c.nodes } : {}),
            commit: 'HEAD',
          }),
        );
        const unique = uniqueIds(ids);
        expect(new Set(unique).size).toBe(ids.length);
        ids.forEach((id, i) => {
          if (ids.indexOf(id) === i) expect(unique[i]).toBe(id);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('ids are unique for arbitrary id strings', () => {
    const id = fc.tuple(fc.stringMatching(/^[a-c.2-3]{1,4}$/), fc.constantFrom('@1', '@2', ''));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 40 }), (pairs) => {
        const ids = pairs.map(([a, b]) => a + b);
        expect(new Set(uniqueIds(ids)).size).toBe(ids.length);
      }),
      { numRuns: 500 },
    );
  });
});
