/**
 * Parsing plus finalization: the one call that turns Kconfig sources into a resolvable tree.
 * Pure over its two interfaces, so tests feed it an in-memory file map and a fake shell.
 */
import { finalizeTree } from './finalize.js';
import { globToRegExp } from './source-paths.js';
import { parseKconfig, type KconfigSource } from './parser.js';
import type { MacroHost } from './preprocess.js';
import type { KconfigTree } from './types.js';

/** A finalized tree plus what parsing left behind. */
export interface LoadedTree {
  readonly tree: KconfigTree;
  /** Environment variables the Kconfig files referenced, with their values. */
  readonly envUsed: ReadonlyMap<string, string>;
}

/** Parses `top` (default "Kconfig") and finalizes the menu tree. */
export function loadKconfig(src: KconfigSource, macros: MacroHost, top = 'Kconfig'): LoadedTree {
  const parsed = parseKconfig(src, macros, top);
  return { tree: finalizeTree(parsed), envUsed: parsed.envUsed };
}

/** An in-memory source: a map from path to file text (for tests and small trees). */
export function memorySource(files: Readonly<Record<string, string>>): KconfigSource {
  return {
    readFile: (p) => files[p],
    glob: (pattern) => Object.keys(files).filter((f) => globToRegExp(pattern).test(f)),
  };
}

/** A macro host with a fixed environment and a shell given as a function (no processes). */
export function memoryMacros(
  env: Readonly<Record<string, string>>,
  shell: (cmd: string) => string = () => '',
): MacroHost & { readonly messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    env: (n) => env[n],
    shell,
    info: (m) => void messages.push(m),
    warn: (m) => void messages.push(m),
  };
}
