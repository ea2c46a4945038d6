/**
 * The oracle tests of one architecture: its defconfig and seeded random requests on top of it
 * must come out of kmatrix byte for byte as they come out of the kernel's own kconfig.
 * Without linux-source-6.12 the suite fails under CI (which installs it) and skips locally.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kernelArch } from '../../src/kconfig/bases.js';
import { baseConfig, resolveRequest } from '../../src/kconfig/bases.js';
import { diskSource, loadHostTree } from '../../src/kconfig/host.js';
import { olddefconfig, resolveConfig } from '../../src/kconfig/resolve.js';
import type { KconfigTree, Sym } from '../../src/kconfig/types.js';
import { kernelTree, Oracle } from './oracle.js';
import { fragmentOf, randomRequests } from './random-requests.js';

const slow = 15 * 60_000;

/** Tree, engine and oracle of one arch, set up once per test file. */
export interface ArchContext {
  readonly srctree: string;
  readonly tree: KconfigTree;
  readonly oracle: Oracle;
  /** The kernel's `make <defconfig>` output. */
  readonly defconfig: string;
}

const contexts = new Map<string, ArchContext>();

/** Sets up (or fails/skips) the oracle and the parsed tree for an arch. */
export function archContext(archName: string): ArchContext | null {
  const known = contexts.get(archName);
  if (known) return known;
  const srctree = kernelTree();
  if (!srctree) {
    if (process.env.CI)
      throw new Error('linux-source-6.12 is not installed (apt-get install linux-source-6.12)');
    return null;
  }
  const oracle = new Oracle(srctree, archName).setup();
  const memoFile = join(`${srctree}.oracle`, archName, 'kmatrix-shell.json');
  const { tree } = loadHostTree(srctree, archName, { memoFile });
  const ctx = { srctree, tree, oracle, defconfig: oracle.make(kernelArch(archName)!.defconfig) };
  contexts.set(archName, ctx);
  return ctx;
}

/** Whether the oracle tests run: always under CI (where a missing package fails them). */
export const available = Boolean(process.env.CI) || kernelTree() !== null;

/** defconfig plus `requests` random requests, each compared with the kernel's olddefconfig. */
export function defineArchSuite(archName: string, requests = 20, seed = 1, checkMakeTargets = false): void {
  describe.skipIf(!available)(`kconfig oracle: ${archName}`, () => {
    it('defconfig is byte-identical to make defconfig', { timeout: slow }, () => {
      const ctx = archContext(archName)!;
      const { srcarch, defconfig } = kernelArch(archName)!;
      const file = readFileSync(join(ctx.srctree, 'arch', srcarch, 'configs', defconfig), 'latin1');
      // conf --defconfig is olddefconfig on the defconfig file
      expect(olddefconfig(ctx.tree, file).config).toBe(ctx.defconfig);
      // and olddefconfig on its output must agree with the kernel's too
      const again = ctx.oracle.conf('olddefconfig', ctx.defconfig);
      expect(olddefconfig(ctx.tree, ctx.defconfig).config).toBe(again);
    });

    it(`${requests} random requests on defconfig match make olddefconfig`, { timeout: slow }, () => {
      const ctx = archContext(archName)!;
      const base = olddefconfig(ctx.tree, ctx.defconfig).evaluation;
      const visible = (s: Sym): boolean => (base.calc(s), base.visible[s.id]! > 0);
      let changed = 0;
      for (const [i, req] of randomRequests(ctx.tree, seed, requests, visible).entries()) {
        const frag = fragmentOf(ctx.tree, req);
        const expected = ctx.oracle.conf('olddefconfig', ctx.oracle.merge(ctx.defconfig, [frag]));
        const actual = resolveConfig(ctx.tree, ctx.defconfig, [], req).config;
        expect(actual, `request ${i} (seed ${seed}): ${JSON.stringify(req)}`).toBe(expected);
        if (actual !== ctx.defconfig) changed++;
      }
      // most requests must change something, or this compares defconfig with itself
      expect(changed).toBeGreaterThanOrEqual(requests / 2);
    });

    it(
      'allnoconfig, tinyconfig (+10 random requests) and defconfig + kvm_guest.config match',
      { timeout: slow },
      () => {
        const ctx = archContext(archName)!;
        const arch = kernelArch(archName)!;
        const src = diskSource(ctx.srctree);
        const { oracle, tree } = ctx;
        const allno = oracle.conf('allnoconfig', '');
        expect(baseConfig(tree, 'allnoconfig', src, arch)).toBe(allno);
        // make tinyconfig: allnoconfig seeded by tiny-base.config, merge tiny.config fragments, olddefconfig
        const seeded = oracle.conf('allnoconfig', '', {
          KCONFIG_ALLCONFIG: 'kernel/configs/tiny-base.config',
        });
        const tinyFrags = ['kernel/configs/tiny.config', `arch/${arch.srcarch}/configs/tiny.config`]
          .map((p) => src.readFile(p))
          .filter((t): t is string => t !== undefined);
        const tiny = oracle.conf('olddefconfig', oracle.merge(seeded, tinyFrags));
        expect(baseConfig(tree, 'tinyconfig', src, arch)).toBe(tiny);
        if (checkMakeTargets) {
          // the oracle's own sequence must be what the kernel's make targets do
          expect(oracle.make('allnoconfig')).toBe(allno);
          expect(oracle.make('tinyconfig')).toBe(tiny);
        }
        // requests on a small base (MODULES=n: tristates act as bool) take other paths than defconfig
        const tinyEval = olddefconfig(tree, tiny).evaluation;
        const open = (s: Sym): boolean => (tinyEval.calc(s), tinyEval.visible[s.id]! > 0);
        for (const [i, req] of randomRequests(tree, seed + 1, 10, open).entries()) {
          const want = oracle.conf('olddefconfig', oracle.merge(tiny, [fragmentOf(tree, req)]));
          expect(resolveConfig(tree, tiny, [], req).config, `tiny request ${i}: ${JSON.stringify(req)}`).toBe(
            want,
          );
        }
        const kvm = src.readFile('kernel/configs/kvm_guest.config')!;
        const expected = oracle.conf('olddefconfig', oracle.merge(ctx.defconfig, [kvm]));
        const actual = resolveRequest(tree, { base: 'defconfig', fragments: [kvm] }, src, arch).config;
        expect(actual).toBe(expected);
      },
    );
  });
}

/** A .config value as a request value: strings lose their quotes and escapes. */
function unquote(v: string): string {
  return v.startsWith('"') ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
}

/** Properties of resolution on the real x86_64 tree (run by the x86_64 oracle file, sharing its setup). */
export function definePropertySuite(available: boolean): void {
  describe.skipIf(!available)('kconfig resolution properties (x86_64 tree)', () => {
    it('requesting values a resolved config already holds changes nothing', { timeout: 15 * 60_000 }, () => {
      const ctx = archContext('x86_64')!;
      // start points: the defconfig and a few random requests on it
      const starts = [
        ctx.defconfig,
        ...randomRequests(ctx.tree, 7, 4).map((r) => resolveConfig(ctx.tree, ctx.defconfig, [], r).config),
      ];
      const held = starts.map((config) =>
        [...config.matchAll(/^(?:CONFIG_([A-Za-z0-9_]+)=(.*)|# CONFIG_([A-Za-z0-9_]+) is not set)$/gm)].map(
          (m) => (m[1] ? ([m[1], unquote(m[2]!)] as const) : ([m[3]!, 'n'] as const)),
        ),
      );
      expect(held.every((h) => h.length > 1000)).toBe(true);
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: starts.length - 1 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
          (which, picks) => {
            const values = held[which]!;
            const req = Object.fromEntries(picks.map((p) => values[p % values.length]!));
            expect(resolveConfig(ctx.tree, starts[which]!, [], req).config).toBe(starts[which]);
          },
        ),
        { numRuns: 60, seed: 14 },
      );
    });
  });
}
