/**
 * What a plan knows of a tree before (and often instead of) parsing it: a fingerprint of every
 * file Kconfig and make's config targets read (Kconfig*, arch/.../configs/*, kernel/configs/*,
 * the top Makefile), and the symbols its Kconfig files declare. For a tree on disk the
 * fingerprint is a sha256 over those files' paths and contents; for git it is the tree sha.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diskSource } from './host.js';
import type { KconfigSource } from './parser.js';

/** A tree as the plan sees it. */
export interface TreeScan {
  /** Equal for trees whose Kconfig input is equal. */
  readonly fingerprint: string;
  readonly source: KconfigSource;
  /** Every symbol name a `config`/`menuconfig` line of a Kconfig file declares (any arch). */
  symbols(): ReadonlySet<string>;
}

/** Whether make's config targets read this path: the fingerprint's files. */
export const readByKconfig = (path: string): boolean =>
  /(^|\/)Kconfig[^/]*$/.test(path) || path === 'Makefile' || /(^|\/)configs\/[^/]+$/.test(path);

const isKconfig = (path: string): boolean => /(^|\/)Kconfig[^/]*$/.test(path);

/** The symbols declared by the Kconfig files among `paths`. */
export function symbolNamesOf(paths: readonly string[], src: KconfigSource): Set<string> {
  const names = new Set<string>();
  const re = /^[ \t]*(?:menu)?config[ \t]+([A-Za-z0-9_]+)/gm;
  for (const p of paths) {
    if (!isKconfig(p)) continue;
    for (const m of (src.readFile(p) ?? '').matchAll(re)) names.add(m[1]!);
  }
  return names;
}

/** Relative paths of the files under `root` that make's config targets read (dot folders skipped). */
function kconfigFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && readByKconfig(p)) out.push(p);
    }
  };
  walk('');
  return out.sort();
}

/** Scans a tree on disk: reads its Kconfig input once, for the fingerprint and the names. */
export function diskTreeScan(srctree: string): TreeScan {
  const paths = kconfigFiles(srctree);
  const texts = new Map<string, string>();
  const hash = createHash('sha256');
  for (const p of paths) {
    const text = readFileSync(join(srctree, p), 'latin1');
    texts.set(p, text);
    hash.update(`${p}\0${text.length}\0`).update(text, 'latin1');
  }
  const disk = diskSource(srctree);
  // the parser reads what the scan has read from memory, anything else from disk
  const source: KconfigSource = {
    readFile: (p) => texts.get(p) ?? disk.readFile(p),
    glob: (pattern) => disk.glob!(pattern),
  };
  let names: Set<string> | undefined;
  return {
    fingerprint: hash.digest('hex'),
    source,
    symbols: () => (names ??= symbolNamesOf(paths, source)),
  };
}
