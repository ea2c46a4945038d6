import { describe, expect, it } from 'vitest';
import { memparse, parseBootParams } from '../../src/sim/index.js';

const G = 2 ** 30;
const M = 2 ** 20;

describe('memparse', () => {
  it('reads suffixes and C base prefixes like the kernel', () => {
    expect(memparse('4G')).toEqual({ value: 4 * G, end: 2 });
    expect(memparse('512m')).toEqual({ value: 512 * M, end: 4 });
    expect(memparse('0x1000')?.value).toBe(4096);
    expect(memparse('010')?.value).toBe(8);
    expect(memparse('1P')?.value).toBe(2 ** 50);
    expect(memparse('lots')).toBeUndefined();
  });
});

describe('parseBootParams', () => {
  it('parses memmap forms, several entries in one parameter, mem= and cma= with placement', () => {
    const r = parseBootParams(
      'memmap=1G!4G,64M$0x1000000 memmap=2G@8G mem=6G cma=64M@0x10000000-512M',
      'x86_64',
    );
    expect(r.problems).toEqual([]);
    expect(r.params.memmap).toEqual([
      { kind: 'pmem', start: 4 * G, size: G },
      { kind: 'reserved', start: 0x1000000, size: 64 * M },
      { kind: 'usable', start: 8 * G, size: 2 * G },
    ]);
    expect(r.params.mem).toBe(6 * G);
    expect(r.params.cma).toEqual({ size: 64 * M, base: 0x10000000, limit: 512 * M });
  });

  it('parses kernelcore/movablecore as size or percent, numa=fake and disable_radix', () => {
    expect(parseBootParams('movablecore=25% kernelcore=2G numa=fake=4', 'x86_64').params).toMatchObject({
      movablecore: { percent: 25 },
      kernelcore: { bytes: 2 * G },
      numa: { fakeNodes: 4 },
    });
    expect(parseBootParams('numa=fake=512M', 'arm64').params.numa).toEqual({ fakeSize: 512 * M });
    expect(parseBootParams('disable_radix', 'ppc64').params.disableRadix).toBe(true);
    expect(parseBootParams('disable_radix=no', 'ppc64').params.disableRadix).toBe(false);
  });

  it('reports malformed values of modelled parameters with the parameter offset', () => {
    const r = parseBootParams('console=ttyS0 memmap=1G! cma=lots mem=', 'x86_64');
    expect(r.problems.map((p) => [p.offset, p.param])).toEqual([
      [14, 'memmap=1G!'],
      [25, 'cma=lots'],
      [34, 'mem='],
    ]);
    expect(r.problems[0]!.message).toContain('start address');
    expect(r.problems[1]!.hint).toBe('cma=nn[MG][@start[MG][-end[MG]]]');
    expect(parseBootParams('movablecore=150%', 'arm64').problems).toHaveLength(1);
  });

  it('puts parameters the arch does not know in unknown, and accepts real unmodelled ones', () => {
    const r = parseBootParams(
      'memmap=1G!4G disable_radix foo=bar console=ttyAMA0 hugepages=4 "quoted arg"',
      'arm64',
    );
    expect(r.unknown).toEqual(['memmap=1G!4G', 'disable_radix', 'foo=bar', 'quoted arg']);
    expect(r.params.ignored).toEqual(['console=ttyAMA0', 'hugepages=4']);
    expect(parseBootParams('cma=64M', 'ppc64').unknown).toEqual(['cma=64M']);
  });
});
