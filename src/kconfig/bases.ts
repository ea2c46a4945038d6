/**
 * Architectures as make names them, and the base configurations a kmatrix request starts from,
 * produced the way the kernel's make targets produce them: `<arch defconfig>`, `allnoconfig`,
 * `tinyconfig` (allnoconfig seeded with tiny-base.config, then tiny.config fragments and
 * olddefconfig) or a given .config text.
 */
import { mergeConfigs } from './confdata.js';
import { KconfigError } from './types.js';
import type { KconfigSource } from './parser.js';
import { allnoconfig, olddefconfig, resolveConfig, type Requests, type Resolved } from './resolve.js';
import type { KconfigTree } from './types.js';

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

/** Where a configuration starts. */
export type Base = 'defconfig' | 'allnoconfig' | 'tinyconfig' | { readonly config: string };

/** A full kmatrix request: base, fragments merged in order, then requested values. */
export interface ConfigRequest {
  readonly base: Base;
  /** Fragment texts (e.g. kernel/configs/kvm_guest.config), later ones override earlier ones. */
  readonly fragments?: readonly string[];
  readonly requests?: Requests;
}

function read(src: KconfigSource, path: string): string {
  const text = src.readFile(path);
  if (text === undefined) throw new KconfigError(path, 0, 0, `can't find default configuration "${path}"`);
  return text;
}

/** The .config text of a base, as `make ARCH=<arch> <target>` writes it. */
export function baseConfig(tree: KconfigTree, base: Base, src: KconfigSource, arch: KernelArch): string {
  if (typeof base === 'object') return base.config;
  switch (base) {
    case 'defconfig':
      return olddefconfig(tree, read(src, `arch/${arch.srcarch}/configs/${arch.defconfig}`)).config;
    case 'allnoconfig':
      return allnoconfig(tree).config;
    case 'tinyconfig': {
      const seeded = allnoconfig(tree, read(src, 'kernel/configs/tiny-base.config')).config;
      const fragments = ['kernel/configs/tiny.config', `arch/${arch.srcarch}/configs/tiny.config`]
        .map((p) => src.readFile(p))
        .filter((t): t is string => t !== undefined);
      return olddefconfig(tree, mergeConfigs(seeded, fragments)).config;
    }
  }
}

/** Resolves a request: `make olddefconfig` on the base with fragments and requests merged in. */
export function resolveRequest(
  tree: KconfigTree,
  request: ConfigRequest,
  src: KconfigSource,
  arch: KernelArch,
): Resolved {
  const base = baseConfig(tree, request.base, src, arch);
  return resolveConfig(tree, base, request.fragments ?? [], request.requests ?? {});
}
