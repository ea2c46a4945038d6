import { describe, expect, it } from 'vitest';
import { explainReport, formatExplanation } from '../../src/bisect/explain.js';
import type { CellResult, Status } from '../../src/report/schema.js';

const SIG = 'BUG: Bad page state in process swapper/0 pfn:2fe00';

function result(
  arch: string,
  highmem: string,
  cma: string,
  boot: string,
  status: Status,
  signature?: string,
): CellResult {
  return {
    id: `${arch}-HIGHMEM${highmem}-CMA${cma}-${boot || 'noboot'}`,
    arch,
    kconfig: { HIGHMEM: highmem, CMA: cma },
    resolved: { HIGHMEM: highmem, CMA: cma },
    boot,
    workload: 'boot',
    commit: 'c0ffee',
    status,
    durationMs: 1,
    attempts: 1,
    cached: false,
    ...(signature ? { signature } : {}),
  };
}

function synthetic(
  fails: (arch: string, h: string, c: string, boot: string) => string | undefined,
): CellResult[] {
  const out: CellResult[] = [];
  for (const arch of ['i386', 'x86_64', 'arm'])
    for (const h of ['y', 'n'])
      for (const c of ['y', 'n'])
        for (const boot of ['', 'cma=64M']) {
          const sig = fails(arch, h, c, boot);
          out.push(result(arch, h, c, boot, sig ? 'fail' : 'pass', sig));
        }
  return out;
}

const axes = ['arch', 'kconfig.HIGHMEM', 'kconfig.CMA', 'boot', 'workload', 'commit'];

describe('explain', () => {
  it('finds arch=i386 & kconfig.HIGHMEM=y & kconfig.CMA=y on a synthetic report', () => {
    const cells = synthetic((a, h, c) => (a === 'i386' && h === 'y' && c === 'y' ? SIG : undefined));
    const [e, ...rest] = explainReport({ axes, cells });
    expect(rest).toEqual([]);
    expect(e).toEqual({
      signature: SIG,
      conjunction: ['arch=i386', 'kconfig.HIGHMEM=y', 'kconfig.CMA=y'],
      exact: true,
      counterExamples: [],
      failing: 2,
    });
    expect(formatExplanation(e!)).toBe(`${SIG} <= arch=i386 & kconfig.HIGHMEM=y & kconfig.CMA=y`);
  });

  it('explains each signature separately and ignores cells that did not execute', () => {
    const cells = synthetic((a, h, _c, boot) =>
      a === 'arm' && boot === 'cma=64M'
        ? 'Kernel panic - not syncing: cma'
        : a === 'x86_64' && h === 'n'
          ? 'WARNING: x'
          : undefined,
    );
    cells.push({ ...result('i386', 'y', 'y', 'mem=1G', 'skip'), id: 'skipped' });
    const es = explainReport({ axes, cells });
    expect(es.map((e) => [e.signature, e.conjunction, e.exact])).toEqual([
      ['Kernel panic - not syncing: cma', ['arch=arm', 'boot=cma=64M'], true],
      ['WARNING: x', ['arch=x86_64', 'kconfig.HIGHMEM=n'], true],
    ]);
  });

  it('gives the closest conjunction with counter-examples when none is exact', () => {
    // fails on i386 with HIGHMEM=y, but one such cell passes (a flake or a hidden axis)
    const cells = synthetic((a, h, c, boot) =>
      a === 'i386' && h === 'y' && !(c === 'n' && boot === '') ? SIG : undefined,
    );
    const [e] = explainReport({ axes, cells });
    expect(e!.exact).toBe(false);
    expect(e!.conjunction).toEqual(['arch=i386', 'kconfig.HIGHMEM=y']);
    expect(e!.counterExamples).toEqual(['i386-HIGHMEMy-CMAn-noboot']);
    expect(formatExplanation(e!)).toMatch(/closest; 1 counter-example: i386-HIGHMEMy-CMAn-noboot/);
  });

  it('quotes an empty boot value', () => {
    const cells = synthetic((_a, _h, _c, boot) => (boot === '' ? SIG : undefined));
    expect(explainReport({ axes, cells })[0]!.conjunction).toEqual(['boot=""']);
  });
});
