/** The shipped histories load with the history loader and carry the real culprits and repairs. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimHistory } from '../../src/history/sim-history.js';

const NAMES = [
  'linux-4.17-cma',
  'linux-4.15-vmemmap',
  'linux-next-20200916-cma',
  'linux-5.19-isolation',
  'linux-5.17-devdax',
  'linux-mm',
];
const load = (name: string) => {
  const file = fileURLToPath(new URL(`../../matrices/histories/${name}.yaml`, import.meta.url));
  const r = parseSimHistory(file, readFileSync(file, 'utf8'));
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  return r.history;
};

describe('shipped histories', () => {
  it.each(NAMES)('%s loads, has tens to hundreds of commits and 40-hex shas', (name) => {
    const h = load(name);
    expect(h.commits.length).toBeGreaterThan(100);
    expect(h.commits.every((c) => /^[0-9a-f]{40}$/.test(c.sha))).toBe(true);
  });

  it('linux-mm has all five regressions and their repairs in order, with a broken build', () => {
    const h = load('linux-mm');
    const order = [
      'f7f99100d8d9',
      'bad8c6c0b114',
      'd883c6cf3b39',
      '907ec5fca3dc',
      'c999bd436fe9',
      '4917f55b4ef9',
      '88ee134320b8',
      '87a7ae75d738',
    ];
    const at = order.map((p) => h.commits.findIndex((c) => c.sha.startsWith(p)));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(h.commits.some((c) => c.buildBroken)).toBe(true);
    const last = h.stateAt(h.commits.length - 1);
    expect(last.switches).toMatchObject({
      vmemmap_no_zeroing: true,
      zero_unavailable_pages: true,
      cma_zone_movable: false,
      cma_areas_memblock: false,
      isolate_boundary_fix: true,
      vmemmap_can_optimize: true,
    });
    expect(last.symbolNames.ARCH_WANT_OPTIMIZE_VMEMMAP).toBe('ARCH_WANT_OPTIMIZE_VMEMMAP');
    expect(h.stateAt(0).symbolNames.ARCH_WANT_OPTIMIZE_VMEMMAP).toBe(
      'ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP',
    );
  });
});
