import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandMatrix, flattenEntry, matches, productSize } from '../../src/matrix/expand.js';

// The examples of GitHub's "Running variations of jobs in a workflow" documentation,
// translated to kmatrix axes where the docs use fruit/animal or os/node.
describe('expandMatrix: GitHub Actions semantics', () => {
  it('expands the cartesian product with the first axis outermost', () => {
    const out = expandMatrix({
      axes: [
        ['arch', ['i386', 'arm']],
        ['workload', ['boot', 'dma-alloc']],
      ],
      exclude: [],
      include: [],
    });
    expect(out).toEqual([
      { arch: 'i386', workload: 'boot' },
      { arch: 'i386', workload: 'dma-alloc' },
      { arch: 'arm', workload: 'boot' },
      { arch: 'arm', workload: 'dma-alloc' },
    ]);
  });

  it('docs "Expanding or adding matrix configurations" (fruit/animal) translated', () => {
    // fruit -> arch, animal -> workload, color -> boot, shape -> kconfig.CMA
    const out = expandMatrix({
      axes: [
        ['arch', ['i386', 'arm']],
        ['workload', ['boot', 'devdax']],
      ],
      exclude: [],
      include: [
        { boot: 'green' },
        { boot: 'pink', workload: 'boot' },
        { arch: 'i386', 'kconfig.CMA': 'y' },
        { arch: 'riscv64' },
        { arch: 'riscv64', workload: 'boot' },
      ],
    });
    expect(out).toEqual([
      { arch: 'i386', workload: 'boot', boot: 'pink', 'kconfig.CMA': 'y' },
      { arch: 'i386', workload: 'devdax', boot: 'green', 'kconfig.CMA': 'y' },
      { arch: 'arm', workload: 'boot', boot: 'pink' },
      { arch: 'arm', workload: 'devdax', boot: 'green' },
      { arch: 'riscv64' },
      { arch: 'riscv64', workload: 'boot' },
    ]);
  });

  it('docs "Example: Expanding configurations" (os/node + npm) translated', () => {
    const out = expandMatrix({
      axes: [
        ['arch', ['x86_64', 'arm64']],
        ['memory', [1, 2]],
      ],
      exclude: [],
      include: [{ arch: 'x86_64', memory: 2, boot: 'cma=64M' }],
    });
    expect(out).toEqual([
      { arch: 'x86_64', memory: 1 },
      { arch: 'x86_64', memory: 2, boot: 'cma=64M' },
      { arch: 'arm64', memory: 1 },
      { arch: 'arm64', memory: 2 },
    ]);
  });

  it('docs "Excluding matrix configurations": 12 - 1 - 2 = 9 combinations, excludes are partial', () => {
    const out = expandMatrix({
      axes: [
        ['arch', ['arm', 'i386']],
        ['nodes', [1, 2, 4]],
        ['workload', ['boot', 'hotplug']],
      ],
      exclude: [
        { arch: 'arm', nodes: 1, workload: 'hotplug' },
        { arch: 'i386', nodes: 4 },
      ],
      include: [],
    });
    expect(out).toHaveLength(9);
    expect(out).not.toContainEqual({ arch: 'arm', nodes: 1, workload: 'hotplug' });
    expect(out.filter((c) => c.arch === 'i386' && c.nodes === 4)).toEqual([]);
  });

  it('an include that would overwrite an original value becomes a new combination', () => {
    const out = expandMatrix({
      axes: [
        ['arch', ['arm64']],
        ['boot', ['', 'cma=64M']],
      ],
      exclude: [],
      include: [{ arch: 'arm64', boot: 'cma=0' }],
    });
    expect(out).toEqual([
      { arch: 'arm64', boot: '' },
      { arch: 'arm64', boot: 'cma=64M' },
      { arch: 'arm64', boot: 'cma=0' },
    ]);
  });

  it('excludes apply before includes: an include can re-add an excluded combination', () => {
    const out = expandMatrix({
      axes: [['arch', ['i386', 'arm']]],
      exclude: [{ arch: 'arm' }],
      include: [{ arch: 'arm', workload: 'boot' }],
    });
    expect(out).toEqual([{ arch: 'i386' }, { arch: 'arm', workload: 'boot' }]);
  });

  it('include-only matrices create one combination per entry', () => {
    const out = expandMatrix({
      axes: [],
      exclude: [],
      include: [{ arch: 'i386' }, { arch: 'arm', boot: 'x' }],
    });
    expect(out).toEqual([{ arch: 'i386' }, { arch: 'arm', boot: 'x' }]);
  });

  it('nested kconfig keys behave as flattened keys', () => {
    expect(flattenEntry({ arch: 'x86_64', kconfig: { HIGHMEM: 'y', CMA: 'n' } })).toEqual({
      arch: 'x86_64',
      'kconfig.HIGHMEM': 'y',
      'kconfig.CMA': 'n',
    });
    const out = expandMatrix({
      axes: [
        ['arch', ['x86_64', 'i386']],
        ['kconfig.HIGHMEM', ['y', 'n']],
      ],
      exclude: [flattenEntry({ arch: 'x86_64', kconfig: { HIGHMEM: 'y' } })],
      include: [],
    });
    expect(out).toEqual([
      { arch: 'x86_64', 'kconfig.HIGHMEM': 'n' },
      { arch: 'i386', 'kconfig.HIGHMEM': 'y' },
      { arch: 'i386', 'kconfig.HIGHMEM': 'n' },
    ]);
  });

  it('property: without include, the result is exactly the product minus what some exclude matches', () => {
    const axis = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(
        axis,
        axis,
        fc.array(fc.record({ x: fc.constantFrom('a', 'b', 'z') }, { requiredKeys: [] }), { maxLength: 3 }),
        (xs, ys, exclude) => {
          const out = expandMatrix({
            axes: [
              ['x', xs],
              ['y', ys],
            ],
            exclude,
            include: [],
          });
          const expected = xs
            .flatMap((x) => ys.map((y) => ({ x, y })))
            .filter((c) => !exclude.some((e) => matches(e, c)));
          expect(out).toEqual(expected);
          expect(
            productSize([
              ['x', xs],
              ['y', ys],
            ]),
          ).toBe(xs.length * ys.length);
        },
      ),
    );
  });

  it('property: every include entry ends up in at least one combination, with its values', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record(
            { x: fc.constantFrom('a', 'b', 'q'), w: fc.constantFrom('1', '2') },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        (include) => {
          const out = expandMatrix({ axes: [['x', ['a', 'b']]], exclude: [], include });
          const last = include.at(-1);
          if (last) expect(out.some((c) => matches(last, c))).toBe(true);
          // original combinations are never lost
          expect(out.filter((c) => c.x === 'a' || c.x === 'b').length).toBeGreaterThanOrEqual(2);
        },
      ),
    );
  });
});
