#!/usr/bin/env node
// Writes matrices/histories/*.yaml: one simulated history per seed plus linux-mm.yaml.
// Culprit, fix and revert commits carry their real sha and subject; filler commits get
// synthetic shas from sha1(history name + index), so re-running the script is byte-stable.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'matrices', 'histories');
const sha1 = (s) => createHash('sha1').update(s).digest('hex');
/** A 12-hex prefix padded deterministically to 40 hex (the full id is not known to us). */
const pad = (prefix) => prefix + sha1(`kmatrix-pad:${prefix}`).slice(0, 40 - prefix.length);

const AREAS = [
  'mm/page_alloc',
  'mm/vmscan',
  'mm/slub',
  'mm/memcontrol',
  'mm/hugetlb',
  'mm/compaction',
  'mm/memory_hotplug',
  'mm/sparse',
  'mm/mmap',
  'mm/gup',
  'mm/huge_memory',
  'mm/swap',
  'mm/filemap',
  'x86/mm',
  'arm64/mm',
  'powerpc/mm',
  's390/mm',
  'mm/kasan',
  'mm/shmem',
  'mm/mempolicy',
  'mm/migrate',
  'mm/page_owner',
  'mm/vmalloc',
  'mm/memblock',
  'mm/khugepaged',
  'mm/madvise',
  'ARM: mm',
  'mm/percpu',
];
const PHRASES = [
  'remove redundant check',
  'simplify error handling',
  'fix kernel-doc warnings',
  'use helper to check the pfn range',
  'add missing READ_ONCE()',
  'avoid unnecessary lock contention',
  'clean up comments',
  'rename confusing local variable',
  'fix a race in the fast path',
  'drop unused parameter',
  'make local function static',
  'use IS_ENABLED() instead of #ifdef',
  'fix sparse warning',
  'add tracepoint for debugging',
  'reduce stack usage',
  'fix off-by-one in statistics',
  'handle allocation failure gracefully',
  'add WARN_ON_ONCE() for unexpected state',
  'correct return value on error path',
  'introduce helper for common code',
  'move declaration to header',
  'remove dead code',
  'optimise the common case',
  'update documentation',
  'fix memory leak on error path',
  'use min_t() for clarity',
  'avoid false sharing of hot fields',
  'fix compile warning with W=1',
];

function history(name, description, segments, extra = {}) {
  const commits = [];
  let n = 0;
  const filler = () => {
    const k = (commits.length * 7919 + name.length * 104729) % (AREAS.length * PHRASES.length);
    return `${AREAS[k % AREAS.length]}: ${PHRASES[Math.floor(k / AREAS.length)]}`;
  };
  for (const seg of segments) {
    if (seg.fill)
      for (let i = 0; i < seg.fill; i++) commits.push({ sha: sha1(`${name}:${n++}`), subject: filler() });
    else if (seg.broken) {
      const subject = filler();
      commits.push({ sha: sha1(`${name}:${n++}`), subject, build: 'broken' });
      commits.push({
        sha: sha1(`${name}:${n++}`),
        subject: `${subject.split(':')[0]}: fix build after previous commit`,
      });
    } else if (seg.tag) {
      const label = seg.tag.replace(/^v/, '');
      const subject = seg.tag.startsWith('next-')
        ? `Add linux-next specific files for ${seg.tag.slice(5)}`
        : `Linux ${label}`;
      commits.push({ sha: sha1(`${name}:${n++}`), subject, version: seg.version, tags: [seg.tag] });
    } else commits.push({ ...seg });
  }
  const shas = new Set(commits.map((c) => c.sha));
  if (shas.size !== commits.length) throw new Error(`${name}: duplicate sha`);
  const lines = [];
  for (const c of extra.header ?? []) lines.push(`# ${c}`);
  lines.push(`name: ${name}`, `description: ${JSON.stringify(description)}`);
  if (extra.kconfig) lines.push('kconfig:', `  rename: ${JSON.stringify(extra.kconfig)}`);
  lines.push('commits:');
  for (const c of commits) {
    lines.push(`  - sha: ${c.sha}`, `    subject: ${JSON.stringify(c.subject)}`);
    if (c.version) lines.push(`    version: ${c.version}`);
    if (c.tags) lines.push(`    tags: [${c.tags.join(', ')}]`);
    if (c.set)
      lines.push(
        `    set: ${JSON.stringify(c.set)
          .replace(/"(\w+)":/g, '$1: ')
          .replace(/,/g, ', ')}`,
      );
    if (c.build) lines.push(`    build: ${c.build}`);
    if (c.kconfig) lines.push(`    kconfig: ${JSON.stringify(c.kconfig).replace(/"(\w+)":/g, '$1: ')}`);
  }
  writeFileSync(join(out, `${name}.yaml`), lines.join('\n') + '\n');
  return commits.length;
}

// --- the real commits ---------------------------------------------------------------
const C = {
  vmemmap: {
    sha: 'f7f99100d8d95dbcf09e0216a143211e79418b9f',
    subject: 'mm: stop zeroing memory during allocation in vmemmap',
    set: { vmemmap_no_zeroing: true },
  },
  zeroUnavail: {
    sha: '907ec5fca3dc38d37737de826f06f25b063aa08e',
    subject: 'mm: zero remaining unavailable struct pages',
    set: { zero_unavailable_pages: true },
  },
  cmaMovable: {
    sha: 'bad8c6c0b1144694ecb0bc5629ede9b8b578b86e',
    subject: 'mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE',
    set: { cma_zone_movable: true },
  },
  highmemFix: {
    sha: sha1('x86/32/highmem: check if the zone is matched when free highmem pages on init'),
    subject: 'x86/32/highmem: check if the zone is matched when free highmem pages on init',
    set: { highmem_init_clamp: true },
  },
  cmaRevert: {
    sha: pad('d883c6cf3b39'),
    subject: 'Revert "mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE"',
    set: { cma_zone_movable: false, highmem_init_clamp: false },
  },
  cmaAreas: {
    sha: pad('c999bd436fe9'),
    subject: 'mm/cma: make number of CMA areas dynamic, remove CONFIG_CMA_AREAS',
    set: { cma_areas_memblock: true },
  },
  cmaAreasDrop: {
    sha: sha1('drop c999bd436fe9 from -mm'),
    subject: 'Revert "mm/cma: make number of CMA areas dynamic, remove CONFIG_CMA_AREAS"',
    set: { cma_areas_memblock: false },
  },
  zi: [
    'mm: page_isolation: move has_unmovable_pages() to mm/page_isolation.c',
    'mm: page_isolation: check specified range for unmovable pages',
    'mm: make alloc_contig_range work at pageblock granularity',
    'mm: page_isolation: enable arbitrary range page isolation.',
    'mm: cma: use pageblock_order as the single alignment',
    'drivers: virtio_mem: use pageblock size as the minimum virtio_mem size.',
  ].map((subject, i) => ({
    sha: sha1(`zi-yan-v11:${subject}`),
    subject,
    ...(i === 3 ? { set: { isolate_pageblock: true } } : {}),
  })),
  isoFix: {
    sha: '88ee134320b8311ca7a00630e5ba013cd0239350',
    subject: 'mm: fix a potential infinite loop in start_isolate_page_range()',
    set: { isolate_boundary_fix: true },
  },
  compound: {
    sha: '4917f55b4ef963e2d2288fe4eb651728be8db406',
    subject: 'mm/sparse-vmemmap: improve memory savings for compound devmaps',
    set: { devmap_compound_vmemmap: true },
  },
  canOptimize: {
    sha: '87a7ae75d7383afa998f57656d1d14e2a730cc47',
    subject: 'mm/vmemmap/devdax: fix kernel crash when probing devdax devices',
    set: { vmemmap_can_optimize: true },
  },
  rename: {
    sha: sha1('mm/vmemmap: rename ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP'),
    subject: 'mm/hugetlb_vmemmap: rename ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP',
    kconfig: { rename: { ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP: 'ARCH_WANT_OPTIMIZE_VMEMMAP' } },
  },
};
const NOTE = [
  'Generated by scripts/gen-histories.mjs; edit the script, not this file.',
  'Real commits carry their real subject. Full 40-hex ids are real where known; ids marked',
  '"padded" below are the real 12-hex prefix padded deterministically; filler commits and',
  'commits that never reached mainline have synthetic ids.',
];
const OLD_NAME = { ARCH_WANT_OPTIMIZE_VMEMMAP: 'ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP' };

const counts = {};
counts['linux-4.17-cma'] = history(
  'linux-4.17-cma',
  'Seed 000: CMA in ZONE_MOVABLE breaks i386 HIGHMEM boot, then DMA; reverted for 4.17',
  [
    { tag: 'v4.16', version: '4.16.0' },
    { fill: 60 },
    C.cmaMovable,
    { fill: 40 },
    { broken: 1 },
    { fill: 20 },
    { tag: 'v4.17-rc1', version: '4.17.0-rc1' },
    { fill: 30 },
    { tag: 'v4.17-rc4', version: '4.17.0-rc4' },
    { fill: 12 },
    { tag: 'v4.17-rc5', version: '4.17.0-rc5' },
    { fill: 6 },
    C.highmemFix,
    { fill: 8 },
    C.cmaRevert,
    { fill: 10 },
    { tag: 'v4.17-rc7', version: '4.17.0-rc7' },
    { fill: 8 },
    { tag: 'v4.17', version: '4.17.0' },
  ],
  {
    header: [
      ...NOTE,
      'padded: d883c6cf3b39 (the revert). Synthetic: the x86/32/highmem fix from the thread (never merged).',
    ],
  },
);
counts['linux-4.15-vmemmap'] = history(
  'linux-4.15-vmemmap',
  'Seed 002: raw vmemmap outside every zone crashes /proc/kpageflags readers until 4.19',
  [
    { tag: 'v4.14', version: '4.14.0' },
    { fill: 50 },
    C.vmemmap,
    { fill: 40 },
    { tag: 'v4.15-rc1', version: '4.15.0-rc1' },
    { fill: 30 },
    { tag: 'v4.15', version: '4.15.0' },
    { fill: 30 },
    { broken: 1 },
    { fill: 10 },
    { tag: 'v4.17', version: '4.17.0' },
    { fill: 30 },
    { tag: 'v4.19-rc7', version: '4.19.0-rc7' },
    { fill: 8 },
    C.zeroUnavail,
    { fill: 8 },
    { tag: 'v4.19', version: '4.19.0' },
  ],
  { header: NOTE },
);
counts['linux-next-20200916-cma'] = history(
  'linux-next-20200916-cma',
  'Seed 003: struct cma from memblock before the arm/arm64 linear map exists; dropped from -mm',
  [
    { tag: 'next-20200915', version: '5.9.0-rc5-next-20200915' },
    { fill: 40 },
    C.cmaAreas,
    { fill: 30 },
    { tag: 'next-20200916', version: '5.9.0-rc5-next-20200916' },
    { fill: 20 },
    C.cmaAreasDrop,
    { fill: 15 },
    { tag: 'next-20200917', version: '5.9.0-rc5-next-20200917' },
  ],
  { header: [...NOTE, 'padded: c999bd436fe9. The drop from -mm is modelled as a synthetic revert commit.'] },
);
counts['linux-5.19-isolation'] = history(
  'linux-5.19-isolation',
  "Seed 001: Zi Yan's v11 pageblock isolation hangs/crashes memory offline until 88ee134320b8",
  [
    { tag: 'next-20220425', version: '5.18.0-rc4-next-20220425' },
    { fill: 40 },
    ...C.zi.slice(0, 3),
    { broken: 1 },
    C.zi[3],
    C.zi[4],
    C.zi[5],
    { fill: 30 },
    { tag: 'next-20220426', version: '5.18.0-rc4-next-20220426' },
    { fill: 40 },
    { broken: 1 },
    { fill: 20 },
    { tag: 'v5.18', version: '5.18.0' },
    { fill: 20 },
    C.isoFix,
    { fill: 20 },
    { tag: 'v5.19-rc1', version: '5.19.0-rc1' },
  ],
  { header: [...NOTE, "Synthetic: the six patches of Zi Yan's v11 series as applied to linux-next."] },
);
counts['linux-5.17-devdax'] = history(
  'linux-5.17-devdax',
  'Seed 004: compound devmap vmemmap faults on the ppc64 hash MMU until 87a7ae75d738',
  [
    { tag: 'v5.16', version: '5.16.0' },
    { fill: 50 },
    C.compound,
    { fill: 40 },
    { tag: 'v5.17-rc1', version: '5.17.0-rc1' },
    { fill: 40 },
    { tag: 'v6.3', version: '6.3.0' },
    { fill: 30 },
    C.canOptimize,
    C.rename,
    { fill: 20 },
    { tag: 'v6.4-rc1', version: '6.4.0-rc1' },
  ],
  {
    header: [...NOTE, 'Synthetic: the ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP rename commit.'],
    kconfig: OLD_NAME,
  },
);
counts['linux-mm'] = history(
  'linux-mm',
  'All five seed regressions and their repairs on one timeline, 2017-2023',
  [
    { tag: 'v4.14', version: '4.14.0' },
    { fill: 30 },
    C.vmemmap,
    { fill: 20 },
    { tag: 'v4.15-rc1', version: '4.15.0-rc1' },
    { fill: 30 },
    { tag: 'v4.16', version: '4.16.0' },
    { fill: 30 },
    C.cmaMovable,
    { fill: 20 },
    { tag: 'v4.17-rc1', version: '4.17.0-rc1' },
    { fill: 20 },
    C.cmaRevert,
    { fill: 10 },
    { tag: 'v4.17', version: '4.17.0' },
    { fill: 30 },
    C.zeroUnavail,
    { fill: 10 },
    { tag: 'v4.19', version: '4.19.0' },
    { fill: 30 },
    { tag: 'v5.9-rc5', version: '5.9.0-rc5' },
    { fill: 10 },
    C.cmaAreas,
    { fill: 10 },
    { tag: 'next-20200916', version: '5.9.0-rc5-next-20200916' },
    { fill: 10 },
    C.cmaAreasDrop,
    { fill: 10 },
    { tag: 'v5.10', version: '5.10.0' },
    { fill: 30 },
    { broken: 1 },
    { tag: 'v5.16', version: '5.16.0' },
    { fill: 20 },
    C.compound,
    { fill: 20 },
    { tag: 'v5.17-rc1', version: '5.17.0-rc1' },
    { fill: 30 },
    { tag: 'next-20220425', version: '5.18.0-rc4-next-20220425' },
    { fill: 10 },
    ...C.zi,
    { fill: 10 },
    { tag: 'next-20220426', version: '5.18.0-rc4-next-20220426' },
    { fill: 20 },
    C.isoFix,
    { fill: 10 },
    { tag: 'v5.19-rc1', version: '5.19.0-rc1' },
    { fill: 30 },
    { tag: 'v6.3', version: '6.3.0' },
    { fill: 10 },
    C.canOptimize,
    C.rename,
    { fill: 10 },
    { tag: 'v6.4-rc1', version: '6.4.0-rc1' },
  ],
  {
    header: [
      ...NOTE,
      'padded: d883c6cf3b39, c999bd436fe9. ' +
        'Synthetic: the -mm drop of c999bd436fe9, the Zi Yan v11 series, the vmemmap rename.',
    ],
    kconfig: OLD_NAME,
  },
);
console.log(counts);
