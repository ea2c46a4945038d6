import fc from 'fast-check';
import { evalExpr, parseExpr } from '../../src/kconfig/declared-expr.js';
import { ARCH_SELECTS, SYMBOLS } from '../../src/kconfig/declared-model.js';
import { describe, expect, it } from 'vitest';
import { resolveKconfig } from '../../src/kconfig/declared.js';
import { ARCHES, type Arch } from '../../src/matrix/types.js';

// From ../shared/kernel-facts.md: U = user-selectable, F = forced (selected), - = impossible;
// 'via': user-selectable only through another symbol, as the 6.12 tree has it (tests below).
const TABLE: Record<Arch, Record<string, 'U' | 'F' | '-' | 'via'>> = {
  i386: {
    HIGHMEM: 'via',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: '-',
    SPARSEMEM_VMEMMAP: '-',
    ARCH_WANT_OPTIMIZE_VMEMMAP: '-',
  },
  x86_64: {
    HIGHMEM: '-',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'F',
    ARCH_WANT_OPTIMIZE_VMEMMAP: 'F',
  },
  arm: {
    HIGHMEM: 'U',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: '-',
    SPARSEMEM_VMEMMAP: '-',
    ARCH_WANT_OPTIMIZE_VMEMMAP: '-',
  },
  arm64: {
    HIGHMEM: '-',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'F',
    ARCH_WANT_OPTIMIZE_VMEMMAP: '-',
  },
  ppc64: {
    HIGHMEM: '-',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'U',
    ARCH_WANT_OPTIMIZE_VMEMMAP: '-',
  },
  s390: {
    HIGHMEM: '-',
    CMA: 'via',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'F',
    ARCH_WANT_OPTIMIZE_VMEMMAP: 'F',
  },
  loongarch: {
    HIGHMEM: '-',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'U',
    ARCH_WANT_OPTIMIZE_VMEMMAP: 'F',
  },
  riscv64: {
    HIGHMEM: '-',
    CMA: 'U',
    DEFERRED_STRUCT_PAGE_INIT: 'U',
    SPARSEMEM_VMEMMAP: 'U',
    ARCH_WANT_OPTIMIZE_VMEMMAP: 'F',
  },
};

describe('resolveKconfig: every arch x option of the kernel-facts table', () => {
  for (const arch of ARCHES) {
    for (const [sym, kind] of Object.entries(TABLE[arch])) {
      if (kind === 'via') continue;
      it(`${arch} ${sym} is ${kind}`, () => {
        const y = resolveKconfig(arch, { [sym]: 'y' });
        const n = resolveKconfig(arch, { [sym]: 'n' });
        if (kind === 'U') {
          expect([y.resolved[sym], n.resolved[sym]]).toEqual(['y', 'n']);
          expect([y.reasons, n.reasons]).toEqual([[], []]);
        } else if (kind === 'F') {
          expect([y.resolved[sym], n.resolved[sym]]).toEqual(['y', 'y']);
          expect(y.reasons).toEqual([]);
          expect(n.reasons).toHaveLength(1);
          expect(n.reasons[0]).toMatch(new RegExp(`^${sym}=n requested but ${sym} is selected by`));
        } else {
          expect([y.resolved[sym], n.resolved[sym]]).toEqual(['n', 'n']);
          expect(n.reasons).toEqual([]);
          expect(y.reasons).toHaveLength(1);
          expect(y.reasons[0]).toMatch(/\(resolved to n\)$/);
        }
      });
    }
  }

  it('explains HIGHMEM on x86_64 with its dependency', () => {
    expect(resolveKconfig('x86_64', { HIGHMEM: 'y' }).reasons).toEqual([
      'HIGHMEM=y requested but HIGHMEM depends on ARM || X86_32 && (HIGHMEM4G || HIGHMEM64G), ' +
        'and on x86_64 ARM=n, X86_32=n, HIGHMEM4G=n, HIGHMEM64G=n (resolved to n)',
    ]);
  });

  it('i386 HIGHMEM follows the "High Memory Support" choice, as arch/x86/Kconfig has it', () => {
    // HIGHMEM has no prompt on x86: the choice's default HIGHMEM4G makes it y
    expect(resolveKconfig('i386', {}).resolved).toMatchObject({
      HIGHMEM: 'y',
      HIGHMEM4G: 'y',
      NOHIGHMEM: 'n',
    });
    expect(resolveKconfig('i386', { HIGHMEM: 'y' }).reasons).toEqual([]);
    expect(resolveKconfig('i386', { HIGHMEM: 'n' }).reasons).toEqual([
      'HIGHMEM=n requested but HIGHMEM has no prompt on i386: on x86 it follows the "High Memory ' +
        'Support" choice (NOHIGHMEM, HIGHMEM4G, HIGHMEM64G; default HIGHMEM4G): request NOHIGHMEM=y ' +
        'for HIGHMEM=n (resolved to y)',
    ]);
    const off = resolveKconfig('i386', { NOHIGHMEM: 'y' });
    expect(off.resolved).toMatchObject({ HIGHMEM: 'n', HIGHMEM4G: 'n', HIGHMEM64G: 'n', NOHIGHMEM: 'y' });
    expect(resolveKconfig('i386', { NOHIGHMEM: 'y', HIGHMEM: 'n' }).reasons).toEqual([]);
    expect(resolveKconfig('i386', { HIGHMEM64G: 'y' }).resolved.HIGHMEM).toBe('y');
    // a member asked n while the default still takes the choice does not hold
    expect(resolveKconfig('i386', { HIGHMEM4G: 'n' }).reasons[0]).toMatch(
      /^HIGHMEM4G=n requested but HIGHMEM4G is a member of a choice .* and HIGHMEM4G took it/,
    );
    expect(resolveKconfig('arm', { NOHIGHMEM: 'y' }).reasons[0]).toContain('depends on X86_32');
    // on ARM HIGHMEM is a plain prompt
    expect(resolveKconfig('arm', { HIGHMEM: 'y' }).reasons).toEqual([]);
    expect(resolveKconfig('arm', { HIGHMEM: 'n' }).reasons).toEqual([]);
  });

  it('s390 CMA is selected by VMCP (drivers/s390/char/Kconfig) unless VMCP is off', () => {
    expect(resolveKconfig('s390', {}).resolved).toMatchObject({ VMCP: 'y', CMA: 'y' });
    expect(resolveKconfig('s390', { CMA: 'n' }).reasons).toEqual([
      'CMA=n requested but CMA is selected by VMCP (resolved to y)',
    ]);
    const off = resolveKconfig('s390', { VMCP: 'n', CMA: 'n' });
    expect([off.resolved.CMA, off.reasons]).toEqual(['n', []]);
    expect(resolveKconfig('x86_64', {}).resolved.VMCP).toBe('n');
  });

  it('explains DEFERRED_STRUCT_PAGE_INIT on i386 (needs 64BIT)', () => {
    expect(resolveKconfig('i386', { DEFERRED_STRUCT_PAGE_INIT: 'y' }).reasons[0]).toContain(
      'depends on SPARSEMEM && !NEED_PER_CPU_KM && 64BIT',
    );
  });

  it('explains ARCH_WANT_OPTIMIZE_VMEMMAP as a no-prompt symbol', () => {
    expect(resolveKconfig('arm64', { ARCH_WANT_OPTIMIZE_VMEMMAP: 'y' }).reasons).toEqual([
      'ARCH_WANT_OPTIMIZE_VMEMMAP=y requested but ARCH_WANT_OPTIMIZE_VMEMMAP has no prompt: ' +
        'only an arch select sets it, and arm64 does not (resolved to n)',
    ]);
  });

  it('CMA selects MIGRATION and MEMORY_ISOLATION; defaults fill the rest', () => {
    const r = resolveKconfig('i386', { CMA: 'y' });
    expect(r.resolved).toMatchObject({
      CMA: 'y',
      MIGRATION: 'y',
      MEMORY_ISOLATION: 'y',
      HIGHMEM: 'y',
      X86_32: 'y',
      '64BIT': 'n',
    });
    expect(resolveKconfig('arm', {}).resolved).toMatchObject({
      HIGHMEM: 'n',
      SPARSEMEM: 'n',
      MEMORY_HOTPLUG: 'n',
    });
  });

  it('ZONE_DEVICE follows its deps: no ARCH_HAS_PTE_DEVMAP on s390, SPARSEMEM_VMEMMAP=n on ppc64', () => {
    expect(resolveKconfig('x86_64', {}).resolved.ZONE_DEVICE).toBe('y');
    expect(resolveKconfig('s390', {}).resolved.ZONE_DEVICE).toBe('n');
    expect(resolveKconfig('ppc64', { SPARSEMEM_VMEMMAP: 'n' }).resolved.ZONE_DEVICE).toBe('n');
  });

  it('a removed symbol is absent and cannot be requested as y', () => {
    const r = resolveKconfig('x86_64', { CMA: 'y' }, (s) => s !== 'CMA');
    expect(r.resolved.CMA).toBeUndefined();
    expect(r.reasons).toHaveLength(1);
  });
});

describe('resolveKconfig: properties', () => {
  const PROMPTS = SYMBOLS.filter((s) => s.prompt !== false).map((s) => s.name);
  const request = fc.dictionary(fc.constantFrom(...PROMPTS), fc.constantFrom<'y' | 'n'>('y', 'n'));
  it('always yields a config satisfying the model, with reasons exactly for what did not survive', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ARCHES), request, (arch, req) => {
        const { resolved, reasons } = resolveKconfig(arch, req);
        const on = (n: string) => resolved[n] === 'y';
        for (const s of SYMBOLS) {
          if (!on(s.name)) continue;
          const selected =
            ARCH_SELECTS[arch].includes(s.name) ||
            SYMBOLS.some((o) => on(o.name) && o.selects?.includes(s.name));
          if (!selected && s.dependsOn) expect(evalExpr(parseExpr(s.dependsOn), on)).toBe(true);
          if (s.choice) expect(SYMBOLS.filter((o) => o.choice === s.choice && on(o.name))).toHaveLength(1);
          if (!selected) expect(s.prompt !== false || s.default !== undefined).toBe(true);
        }
        const dropped = Object.entries(req).filter(([k, v]) => resolved[k] !== v);
        expect(reasons).toHaveLength(dropped.length);
        dropped.forEach(([k, v], i) => expect(reasons[i]!.startsWith(`${k}=${v} requested but`)).toBe(true));
      }),
      { numRuns: 2000 },
    );
  });
});
