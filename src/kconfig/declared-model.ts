/**
 * The declared Kconfig dependency model: the five options users test and what they depend on,
 * with the per-arch `select`s that force them. Sources: arch/*\/Kconfig, mm/Kconfig and
 * ../shared/kernel-facts.md. Canonical names are today's kernel names; a history may rename
 * or remove a symbol along the way (src/history).
 */

/** The architectures the model declares: each has its arch symbol and `select`s below. */
export const ARCHES = ['i386', 'x86_64', 'arm', 'arm64', 'ppc64', 's390', 'loongarch', 'riscv64'] as const;
export type Arch = (typeof ARCHES)[number];

/** A value of a declared symbol (the model has no modules). */
export type Tristate = 'y' | 'n';

export interface SymbolDecl {
  name: string;
  /** Has a prompt: the user may set it. Without one only `select` or `default` sets it. */
  prompt: boolean;
  /** `depends on` expression. */
  dependsOn?: string;
  /** `default` expression (applies when the user says nothing and nothing selects it). */
  default?: string;
  /** Symbols this one selects when it is y. */
  selects?: string[];
  help: string;
}

/** Declaration order is evaluation order: a selecting symbol precedes what it selects. */
export const SYMBOLS: readonly SymbolDecl[] = [
  // architecture facts: no prompt, set by the arch's own `select`s
  { name: 'X86_32', prompt: false, help: '32-bit x86 (i386)' },
  { name: 'X86_64', prompt: false, help: '64-bit x86' },
  { name: 'ARM', prompt: false, help: '32-bit ARM' },
  { name: 'ARM64', prompt: false, help: '64-bit ARM' },
  { name: 'PPC64', prompt: false, help: '64-bit PowerPC (book3s64)' },
  { name: 'S390', prompt: false, help: 'IBM Z' },
  { name: 'LOONGARCH', prompt: false, help: 'LoongArch' },
  { name: 'RISCV', prompt: false, help: 'RISC-V' },
  { name: '64BIT', prompt: false, help: '64-bit kernel' },
  { name: 'MMU', prompt: false, help: 'has a memory management unit' },
  { name: 'SMP', prompt: false, help: 'symmetric multi-processing' },
  { name: 'SPARSEMEM', prompt: false, help: 'sparse memory model (FLATMEM otherwise)' },
  { name: 'SPARSEMEM_VMEMMAP_ENABLE', prompt: false, help: 'the arch can map the memmap virtually' },
  { name: 'ARCH_HAS_PTE_DEVMAP', prompt: false, help: 'the arch has pte_devmap (ZONE_DEVICE users)' },
  { name: 'ARCH_ENABLE_MEMORY_HOTPLUG', prompt: false, help: 'the arch supports memory hotplug' },
  {
    name: 'NEED_PER_CPU_KM',
    prompt: false,
    default: 'MMU && !SMP',
    help: 'per-cpu allocator without vmalloc',
  },
  // what users test
  {
    name: 'NUMA',
    prompt: true,
    dependsOn: 'SMP && 64BIT',
    default: 'y',
    help: 'NUMA memory allocation and scheduler support',
  },
  {
    name: 'HIGHMEM',
    prompt: true,
    dependsOn: 'X86_32 || ARM',
    default: 'X86_32',
    help: 'high memory support (32-bit only)',
  },
  {
    name: 'CMA',
    prompt: true,
    dependsOn: 'MMU',
    default: 'n',
    selects: ['MIGRATION', 'MEMORY_ISOLATION'],
    help: 'contiguous memory allocator',
  },
  {
    name: 'DEFERRED_STRUCT_PAGE_INIT',
    prompt: true,
    dependsOn: 'SPARSEMEM && !NEED_PER_CPU_KM && 64BIT',
    default: 'n',
    help: 'initialise most struct pages in parallel after boot',
  },
  {
    name: 'SPARSEMEM_VMEMMAP',
    prompt: true,
    dependsOn: 'SPARSEMEM && SPARSEMEM_VMEMMAP_ENABLE',
    default: 'y',
    help: 'virtually mapped memmap',
  },
  {
    name: 'ARCH_WANT_OPTIMIZE_VMEMMAP',
    prompt: false,
    help: 'the arch lets generic code optimise vmemmap (compound devmaps, HugeTLB)',
  },
  {
    name: 'MEMORY_HOTPLUG',
    prompt: true,
    dependsOn: 'ARCH_ENABLE_MEMORY_HOTPLUG && SPARSEMEM',
    default: 'y',
    help: 'memory hotplug',
  },
  {
    name: 'MEMORY_HOTREMOVE',
    prompt: true,
    dependsOn: 'MEMORY_HOTPLUG',
    default: 'y',
    selects: ['MIGRATION', 'MEMORY_ISOLATION'],
    help: 'memory hot-remove (offlining)',
  },
  {
    name: 'ZONE_DEVICE',
    prompt: true,
    dependsOn: 'MEMORY_HOTPLUG && MEMORY_HOTREMOVE && SPARSEMEM_VMEMMAP && ARCH_HAS_PTE_DEVMAP',
    default: 'y',
    help: 'device memory (pmem, devdax)',
  },
  {
    name: 'DEBUG_KMEMLEAK',
    prompt: true,
    default: 'y',
    help: 'kernel memory leak detector (on in kmatrix test configs, as in CI debug fragments)',
  },
  { name: 'MIGRATION', prompt: false, help: 'page migration' },
  { name: 'MEMORY_ISOLATION', prompt: false, help: 'pageblock isolation' },
];

/** What each arch `select`s. */
export const ARCH_SELECTS: Record<Arch, readonly string[]> = {
  i386: ['X86_32', 'MMU', 'SMP', 'SPARSEMEM'],
  x86_64: [
    'X86_64',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_WANT_OPTIMIZE_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  arm: ['ARM', 'MMU', 'SMP'],
  arm64: [
    'ARM64',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  ppc64: [
    'PPC64',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  s390: [
    'S390',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'SPARSEMEM_VMEMMAP',
    'ARCH_WANT_OPTIMIZE_VMEMMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  loongarch: [
    'LOONGARCH',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'ARCH_WANT_OPTIMIZE_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
  riscv64: [
    'RISCV',
    '64BIT',
    'MMU',
    'SMP',
    'SPARSEMEM',
    'SPARSEMEM_VMEMMAP_ENABLE',
    'ARCH_WANT_OPTIMIZE_VMEMMAP',
    'ARCH_HAS_PTE_DEVMAP',
    'ARCH_ENABLE_MEMORY_HOTPLUG',
  ],
};

/** The Kconfig symbol naming the arch itself, for messages ("selected by X86_64"). */
export const ARCH_SYMBOL: Record<Arch, string> = {
  i386: 'X86_32',
  x86_64: 'X86_64',
  arm: 'ARM',
  arm64: 'ARM64',
  ppc64: 'PPC64',
  s390: 'S390',
  loongarch: 'LOONGARCH',
  riscv64: 'RISCV',
};

export const SYMBOL_NAMES: readonly string[] = SYMBOLS.map((s) => s.name);
export const SYMBOL_BY_NAME: ReadonlyMap<string, SymbolDecl> = new Map(SYMBOLS.map((s) => [s.name, s]));
