import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bootSlug, cellId, uniqueIds } from '../../src/matrix/cell-id.js';

const base = {
  arch: 'i386',
  kconfig: [
    ['HIGHMEM', 'y'],
    ['CMA', 'y'],
  ] as const,
  boot: 'cma=64M',
  workload: 'boot',
  commit: 'bad8c6c0b1144694ecb0bc5629ede9b8b578b86e',
};

describe('cell ids', () => {
  it('reads like the issue example', () => {
    expect(cellId(base)).toBe('i386.HIGHMEM-y.CMA-y.cma-64M.boot@bad8c6c0b114');
  });

  it('is stable: the same parts always give the same id', () => {
    expect(cellId({ ...base })).toBe(cellId(base));
  });

  it('omits an empty boot line and adds machine parts when they are axes', () => {
    expect(cellId({ ...base, boot: '', memory: 8 * 2 ** 30, nodes: 2 })).toBe(
      'i386.HIGHMEM-y.CMA-y.boot.mem8G.nodes2@bad8c6c0b114',
    );
  });

  it('hashes boot lines that cannot be spelled losslessly', () => {
    expect(bootSlug('memmap=1G!4G')).toMatch(/^memmap-1G-4G~[0-9a-f]{6}$/);
    expect(bootSlug('memmap=1G$4G')).not.toBe(bootSlug('memmap=1G!4G'));
    expect(bootSlug('; touch /tmp/x')).toMatch(/^touch-tmp-x~[0-9a-f]{6}$/);
  });

  it('property: ids are file-name safe and distinct boot lines give distinct ids', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 80 }), (a, b) => {
        const ia = cellId({ ...base, boot: a });
        expect(ia).toMatch(/^[A-Za-z0-9._@~+-]+$/);
        expect(ia).not.toContain('..');
        expect(ia.length).toBeLessThan(200);
        if (a.trim() !== b.trim()) expect(ia).not.toBe(cellId({ ...base, boot: b }));
      }),
      { numRuns: 500 },
    );
  });

  it('makes repeated ids unique in order', () => {
    expect(uniqueIds(['a@1', 'b@1', 'a@1', 'a@1'])).toEqual(['a@1', 'b@1', 'a.2@1', 'a.3@1']);
  });
});
