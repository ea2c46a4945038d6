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
  /**
   * Has a prompt: the user may set it. Without one only `select` or `default` sets it. A string
   * is the prompt's `if` condition (HIGHMEM has a prompt on ARM only; on x86 a choice sets it).
   */
  prompt: boolean | string;
  /** Member of this choice (CHOICES): exactly one member is y while the choice is visible. */
  choice?: string;
  /** Said when a request for this symbol does not hold for want of a prompt. */
  noPromptHint?: string;
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
    name: 'VMCP',
    prompt: true,
    dependsOn: 'S390',
    default: 'y',
    selects: ['CMA'],
    help: 'z/VM CP interface (s390; selects CMA for its buffers)',
  },
  {
    name: 'NUMA',
    prompt: true,
    dependsOn: 'SMP && 64BIT',
    default: 'y',
    help: 'NUMA memory allocation and scheduler support',
  },
  // x86's "High Memory Support" choice (arch/x86/Kconfig): HIGHMEM follows it there
  { name: 'NOHIGHMEM', prompt: true, choice: 'HIGHMEM_CHOICE', help: 'x86_32 high memory: off' },
  { name: 'HIGHMEM4G', prompt: true, choice: 'HIGHMEM_CHOICE', help: 'x86_32 high memory: 4GB' },
  { name: 'HIGHMEM64G', prompt: true, choice: 'HIGHMEM_CHOICE', help: 'x86_32 high memory: 64GB (PAE)' },
  {
    // two declarations in the kernel: `bool "High Memory Support"` on ARM, and on x86
    // `def_bool y depends on X86_32 && (HIGHMEM64G || HIGHMEM4G)`
    name: 'HIGHMEM',
    prompt: 'ARM',
    dependsOn: 'ARM || X86_32 && (HIGHMEM4G || HIGHMEM64G)',
    default: 'X86_32',
    noPromptHint:
      'on x86 it follows the "High Memory Support" choice (NOHIGHMEM, HIGHMEM4G, HIGHMEM64G; ' +
      'default HIGHMEM4G): request NOHIGHMEM=y for HIGHMEM=n',
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

/** A `choice` block: while `dependsOn` holds, exactly one member is y. */
export interface ChoiceDecl {
  name: string;
  dependsOn: string;
  /** The member chosen when no request picks one. */
  default: string;
}

export const CHOICES: readonly ChoiceDecl[] = [
  { name: 'HIGHMEM_CHOICE', dependsOn: 'X86_32', default: 'HIGHMEM4G' },
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
