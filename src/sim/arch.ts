/**
 * Arch profiles: the per-architecture facts memory bring-up depends on. Values follow the
 * kernel sources named in /work/shared/kernel-facts.md; where a value depends on options we
 * do not model (PAE, 16K pages, VA bits) the common default configuration is used.
 */

const K = 1024;
const M = 1024 * K;
const G = 1024 * M;

export type ZoneName = 'DMA' | 'DMA32' | 'Normal' | 'HighMem' | 'Movable';

/** How the architecture's coherent DMA path turns a CMA page into a kernel address. */
export type DmaPath = 'page_address' | 'remap';

export interface ArchProfile {
  name: string;
  /** uname -m, for the version line. */
  machine: string;
  bits: 32 | 64;
  pageShift: number;
  sectionBits: number;
  /** MAX_ORDER as the kernel of the seed era defines it (exclusive). */
  maxOrder: number;
  pageblockOrder: number;
  /** First physical address of RAM. */
  ramBase: number;
  defaultMemory: number;
  defaultNodes: number;
  /** Highest physical address the kernel can use (32-bit without PAE/LPAE: 4 GiB). */
  maxPhys: number;
  /** `e820` firmware map with the PC low holes and the PCI hole, or a flat device-tree/firmware map. */
  firmware: 'e820' | 'flat';
  /** Zones below ZONE_MOVABLE with their upper physical limit (bytes, exclusive). */
  zones: Array<{ name: ZoneName; end: number }>;
  /** Physical end of the direct map on 32-bit arches with HIGHMEM (max_low_pfn), else undefined. */
  lowmemEnd?: number;
  /** How highmem pages reach the buddy allocator: x86_32 walks zones, arm walks memblock. */
  highmemFree: 'zones' | 'memblock' | 'none';
  /** dma_contiguous_reserve() runs before paging_init() builds the linear map (arm, arm64). */
  cmaBeforeLinearMap: boolean;
  /** CMA_SIZE_MBYTES default: 0 on x86, 16 elsewhere; undefined when the arch has no DMA_CMA. */
  cmaDefaultMiB?: number;
  /** Upper limit passed to dma_contiguous_reserve(). */
  cmaLimit: 'lowmem' | 'dma32' | 'all';
  dmaPath: DmaPath;
  /** Arch-specific boot parameters this arch knows (generic ones are known everywhere). */
  params: readonly string[];
  /** Linear-map virtual address of physical RAM base, vmemmap address of pfn 0, sizeof(struct page). */
  pageOffset: bigint;
  vmemmap: bigint;
  structPage: number;
  faultStyle: 'x86' | 'arm' | 'arm64' | 'ppc' | 's390' | 'riscv' | 'loongarch';
  /** Name of the instruction pointer in oops reports. */
  ipName: string;
}

const x86Zones = [
  { name: 'DMA' as const, end: 16 * M },
  { name: 'DMA32' as const, end: 4 * G },
  { name: 'Normal' as const, end: Number.MAX_SAFE_INTEGER },
];

const PROFILES: Record<string, ArchProfile> = {
  i386: {
    name: 'i386',
    machine: 'i686',
    bits: 32,
    pageShift: 12,
    sectionBits: 26,
    maxOrder: 11,
    pageblockOrder: 10,
    ramBase: 0,
    defaultMemory: 2 * G,
    defaultNodes: 1,
    maxPhys: 4 * G,
    firmware: 'e820',
    zones: [
      { name: 'DMA', end: 16 * M },
      { name: 'Normal', end: 0x377fe000 },
      { name: 'HighMem', end: 4 * G },
    ],
    lowmemEnd: 0x377fe000,
    highmemFree: 'zones',
    cmaBeforeLinearMap: false,
    cmaDefaultMiB: 0,
    cmaLimit: 'lowmem',
    dmaPath: 'page_address',
    params: ['memmap', 'numa', 'cma'],
    pageOffset: 0xc0000000n,
    vmemmap: 0xf4d00000n,
    structPage: 32,
    faultStyle: 'x86',
    ipName: 'EIP',
  },
  x86_64: {
    name: 'x86_64',
    machine: 'x86_64',
    bits: 64,
    pageShift: 12,
    sectionBits: 27,
    maxOrder: 11,
    pageblockOrder: 9,
    ramBase: 0,
    defaultMemory: 2 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 46,
    firmware: 'e820',
    zones: x86Zones,
    highmemFree: 'none',
    cmaBeforeLinearMap: false,
    cmaDefaultMiB: 0,
    cmaLimit: 'all',
    dmaPath: 'page_address',
    params: ['memmap', 'numa', 'cma'],
    pageOffset: 0xffff888000000000n,
    vmemmap: 0xffffea0000000000n,
    structPage: 64,
    faultStyle: 'x86',
    ipName: 'RIP',
  },
  arm: {
    name: 'arm',
    machine: 'armv7l',
    bits: 32,
    pageShift: 12,
    sectionBits: 28,
    maxOrder: 11,
    pageblockOrder: 10,
    ramBase: 0x40000000,
    defaultMemory: 1 * G,
    defaultNodes: 1,
    maxPhys: 4 * G,
    firmware: 'flat',
    zones: [
      { name: 'Normal', end: 0x70000000 },
      { name: 'HighMem', end: 4 * G },
    ],
    lowmemEnd: 0x70000000,
    highmemFree: 'memblock',
    cmaBeforeLinearMap: true,
    cmaDefaultMiB: 16,
    cmaLimit: 'all',
    dmaPath: 'remap',
    params: ['cma'],
    pageOffset: 0xc0000000n,
    vmemmap: 0xef000000n,
    structPage: 32,
    faultStyle: 'arm',
    ipName: 'PC is at',
  },
  arm64: {
    name: 'arm64',
    machine: 'aarch64',
    bits: 64,
    pageShift: 12,
    sectionBits: 27,
    maxOrder: 11,
    pageblockOrder: 9,
    ramBase: 0x80000000,
    defaultMemory: 4 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 48,
    firmware: 'flat',
    zones: [
      { name: 'DMA', end: 1 * G },
      { name: 'DMA32', end: 4 * G },
      { name: 'Normal', end: Number.MAX_SAFE_INTEGER },
    ],
    highmemFree: 'none',
    cmaBeforeLinearMap: true,
    cmaDefaultMiB: 16,
    cmaLimit: 'dma32',
    dmaPath: 'remap',
    params: ['numa', 'cma'],
    pageOffset: 0xffff000000000000n,
    vmemmap: 0xfffffc0000000000n,
    structPage: 64,
    faultStyle: 'arm64',
    ipName: 'pc :',
  },
  ppc64: {
    name: 'ppc64',
    machine: 'ppc64le',
    bits: 64,
    pageShift: 16,
    sectionBits: 24,
    maxOrder: 9,
    pageblockOrder: 8,
    ramBase: 0,
    defaultMemory: 4 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 50,
    firmware: 'flat',
    zones: [{ name: 'Normal', end: Number.MAX_SAFE_INTEGER }],
    highmemFree: 'none',
    cmaBeforeLinearMap: false,
    cmaLimit: 'all',
    dmaPath: 'page_address',
    params: ['disable_radix'],
    pageOffset: 0xc000000000000000n,
    vmemmap: 0xc00c000000000000n,
    structPage: 64,
    faultStyle: 'ppc',
    ipName: 'NIP',
  },
  s390: {
    name: 's390',
    machine: 's390x',
    bits: 64,
    pageShift: 12,
    sectionBits: 28,
    maxOrder: 11,
    pageblockOrder: 8,
    ramBase: 0,
    defaultMemory: 2 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 53,
    firmware: 'flat',
    zones: [
      { name: 'DMA', end: 2 * G },
      { name: 'Normal', end: Number.MAX_SAFE_INTEGER },
    ],
    highmemFree: 'none',
    cmaBeforeLinearMap: false,
    cmaDefaultMiB: 16,
    cmaLimit: 'all',
    dmaPath: 'page_address',
    params: ['cma'],
    pageOffset: 0n,
    vmemmap: 0x3d0000000000n,
    structPage: 64,
    faultStyle: 's390',
    ipName: 'Krnl PSW :',
  },
  loongarch: {
    name: 'loongarch',
    machine: 'loongarch64',
    bits: 64,
    pageShift: 14,
    sectionBits: 29,
    maxOrder: 12,
    pageblockOrder: 11,
    ramBase: 0,
    defaultMemory: 4 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 48,
    firmware: 'flat',
    zones: [
      { name: 'DMA32', end: 4 * G },
      { name: 'Normal', end: Number.MAX_SAFE_INTEGER },
    ],
    highmemFree: 'none',
    cmaBeforeLinearMap: false,
    cmaDefaultMiB: 16,
    cmaLimit: 'dma32',
    dmaPath: 'page_address',
    params: ['cma'],
    pageOffset: 0x9000000000000000n,
    vmemmap: 0xffffff0000000000n,
    structPage: 64,
    faultStyle: 'loongarch',
    ipName: 'era',
  },
  riscv64: {
    name: 'riscv64',
    machine: 'riscv64',
    bits: 64,
    pageShift: 12,
    sectionBits: 27,
    maxOrder: 11,
    pageblockOrder: 9,
    ramBase: 0x80000000,
    defaultMemory: 2 * G,
    defaultNodes: 1,
    maxPhys: 2 ** 56,
    firmware: 'flat',
    zones: [
      { name: 'DMA32', end: 4 * G },
      { name: 'Normal', end: Number.MAX_SAFE_INTEGER },
    ],
    highmemFree: 'none',
    cmaBeforeLinearMap: false,
    cmaDefaultMiB: 16,
    cmaLimit: 'dma32',
    dmaPath: 'page_address',
    params: ['numa', 'cma'],
    pageOffset: 0xff60000000000000n,
    vmemmap: 0xff1c000000000000n,
    structPage: 64,
    faultStyle: 'riscv',
    ipName: 'epc :',
  },
};

export const SIM_ARCHES = Object.keys(PROFILES);

/** The profile of an arch; unknown arches are a caller bug (the matrix schema restricts them). */
export function archProfile(arch: string): ArchProfile {
  const p = PROFILES[arch];
  if (!p) throw new Error(`simulator: unknown arch "${arch}" (known: ${SIM_ARCHES.join(', ')})`);
  return p;
}

/** Per-arch default machine (bytes, NUMA nodes) used when a matrix gives no `machine:`. */
export function defaultMachine(arch: string): { memory: number; nodes: number } {
  const p = archProfile(arch);
  return { memory: p.defaultMemory, nodes: p.defaultNodes };
}

export const SIZES = { K, M, G };
