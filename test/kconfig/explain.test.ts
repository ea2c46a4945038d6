import { describe, expect, it } from 'vitest';
import { explainRequests } from '../../src/kconfig/explain.js';
import { loadKconfig, memoryMacros, memorySource } from '../../src/kconfig/load.js';
import { resolveConfig } from '../../src/kconfig/resolve.js';

const kconfig = [
  'config MODULES\n\tbool "modules"\n\tmodules',
  'config HAVE_ARCH_KASAN\n\tbool',
  'config CC_HAS_KASAN_GENERIC\n\tdef_bool y',
  'config KASAN\n\tbool "kasan"\n\tdepends on HAVE_ARCH_KASAN && CC_HAS_KASAN_GENERIC',
  'config VMCP\n\tbool "vmcp"\n\tdefault y\n\tselect CMA',
  'config CMA\n\tbool "cma"',
  'choice\n\tprompt "model"\n\tdefault FLAT',
  'config FLAT\n\tbool "flat"',
  'config SPARSE\n\tbool "sparse"\n\tdepends on HAVE_ARCH_KASAN',
  'endchoice',
  'config NR\n\tint "nr"\n\trange 1 8',
  'config DRV\n\ttristate "drv"',
].join('\n');

const tree = loadKconfig(memorySource({ Kconfig: kconfig }), memoryMacros({})).tree;

function unmet(requests: Record<string, string>) {
  return explainRequests(resolveConfig(tree, '', [], requests), requests, 'on arm');
}

describe('explainRequests', () => {
  it('names the unmet dependency and the operand that is n', () => {
    expect(unmet({ KASAN: 'y' })).toEqual([
      {
        symbol: 'KASAN',
        requested: 'y',
        actual: 'n',
        reason:
          'KASAN=y requested but KASAN depends on HAVE_ARCH_KASAN && CC_HAS_KASAN_GENERIC, ' +
          'and on arm HAVE_ARCH_KASAN=n',
      },
    ]);
  });

  it('names the symbol that selects a value the request turns off', () => {
    expect(unmet({ CMA: 'n' }).map((u) => u.reason)).toEqual(['CMA=n requested but CMA is selected by VMCP']);
  });

  it('explains hidden choice members, ranges, modules and unknown names; met requests are silent', () => {
    expect(
      unmet({ SPARSE: 'y', NR: '20', DRV: 'm', NOPE: 'y', FLAT: 'y', VMCP: 'y' }).map((u) => u.reason),
    ).toEqual([
      'SPARSE=y requested but SPARSE is not visible in choice "model" (HAVE_ARCH_KASAN: HAVE_ARCH_KASAN=n)',
      'NR=20 requested but NR has range 1 8, so it is 8',
      'DRV=m requested but MODULES=n, so tristate DRV behaves as bool',
      'NOPE=y requested but NOPE is not defined in this tree',
    ]);
  });
});
