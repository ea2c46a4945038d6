/**
 * A cell resolved from its base's evaluation (src/kconfig/incremental.ts) must give the .config
 * a full evaluation of the merged file gives, on the real tree: 150 seeded random requests on
 * each of three arches' defconfigs, most of them taking the incremental path. (The oracle
 * suites compare both with the kernel's own conf.)
 */
import { describe, expect, it } from 'vitest';
import { mergeConfigs } from '../../src/kconfig/confdata.js';
import { affectedBy } from '../../src/kconfig/incremental.js';
import { mergeRequest } from '../../src/kconfig/request-lines.js';
import { olddefconfig, requestsFragment, resolveConfig } from '../../src/kconfig/resolve.js';
import type { Sym } from '../../src/kconfig/types.js';
import { archContext, available } from './arch-suite.js';
import { randomRequests } from './random-requests.js';

describe.skipIf(!available)('resolving from the base evaluation', () => {
  for (const arch of ['x86_64', 'arm', 's390'])
    it(`equals a full evaluation on ${arch}`, { timeout: 600_000 }, () => {
      const ctx = archContext(arch)!;
      const base = olddefconfig(ctx.tree, ctx.defconfig).evaluation;
      const visible = (s: Sym) => base.visible[s.id] !== 0;
      let incremental = 0;
      const requests = randomRequests(ctx.tree, 7, 150, visible);
      for (const req of requests) {
        const frag = requestsFragment(ctx.tree, req);
        if (affectedBy(ctx.tree, mergeRequest(ctx.tree, ctx.defconfig, frag).changed)) incremental++;
        const full = olddefconfig(ctx.tree, mergeConfigs(ctx.defconfig, [frag])).config;
        expect(resolveConfig(ctx.tree, ctx.defconfig, [], req).config, JSON.stringify(req)).toBe(full);
      }
      expect(incremental).toBeGreaterThan(requests.length * 0.8);
    });
});
