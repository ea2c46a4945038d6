/**
 * kmatrix architecture names mapped to what `make ARCH=...` uses: ARCH, SRCARCH (the
 * arch/ folder, from the top Makefile) and the defconfig the base "defconfig" stands for.
 */

/** One architecture as make sees it. */
export interface KernelArch {
  /** The ARCH= value. */
  readonly arch: string;
  /** arch/<srcarch>/ (the kernel Makefile's SRCARCH). */
  readonly srcarch: string;
  /** File name under arch/<srcarch>/configs/ used for the "defconfig" base. */
  readonly defconfig: string;
}

const arches: Record<string, KernelArch> = {
  i386: { arch: 'i386', srcarch: 'x86', defconfig: 'i386_defconfig' },
  x86_64: { arch: 'x86_64', srcarch: 'x86', defconfig: 'x86_64_defconfig' },
  arm: { arch: 'arm', srcarch: 'arm', defconfig: 'multi_v7_defconfig' },
  arm64: { arch: 'arm64', srcarch: 'arm64', defconfig: 'defconfig' },
  ppc64: { arch: 'powerpc', srcarch: 'powerpc', defconfig: 'ppc64_defconfig' },
  s390: { arch: 's390', srcarch: 's390', defconfig: 'defconfig' },
  loongarch: { arch: 'loongarch', srcarch: 'loongarch', defconfig: 'loongson3_defconfig' },
  riscv64: { arch: 'riscv', srcarch: 'riscv', defconfig: 'defconfig' },
};

/** The architectures kmatrix knows, by kmatrix name. */
export const kernelArchNames: readonly string[] = Object.keys(arches);

/** Maps a kmatrix arch name; undefined for an unknown one. */
export function kernelArch(name: string): KernelArch | undefined {
  return arches[name];
}
