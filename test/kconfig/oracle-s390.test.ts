import { expect, it } from 'vitest';
import { kernelArch, resolveRequest } from '../../src/kconfig/bases.js';
import { explainRequests } from '../../src/kconfig/explain.js';
import { diskSource } from '../../src/kconfig/host.js';
import { archContext, available, defineArchSuite } from './arch-suite.js';

defineArchSuite('s390');

it.skipIf(!available)(
  'explains an unmet request in the terms of the kernel tree',
  { timeout: 15 * 60_000 },
  () => {
    const ctx = archContext('s390')!;
    const req = { CMA: 'n', NR_CPUS: '100000' };
    const resolved = resolveRequest(
      ctx.tree,
      { base: 'defconfig', requests: req },
      diskSource(ctx.srctree),
      kernelArch('s390')!,
    );
    expect(explainRequests(resolved, req, 'on s390').map((u) => u.reason)).toEqual([
      'CMA=n requested but CMA is selected by VMCP',
      'NR_CPUS=100000 requested but NR_CPUS has range 2 512, so it is 512',
    ]);
  },
);
