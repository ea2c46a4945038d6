/**
 * A kernel tree read from git objects, without a checkout: `git ls-tree -r` lists a commit's
 * files (and answers the `source` globs), `git cat-file --batch` reads their blobs. The parser
 * is synchronous, so instead of a conversation with a long-lived process each commit's
 * Kconfig* files (and its top Makefile) are fetched by one `cat-file --batch` call at once;
 * a file outside that set (a defconfig, a fragment) costs one more call when first read.
 */
import { execFileSync } from 'node:child_process';
import { readByKconfig } from './host-scan.js';
import { globToRegExp } from './source-paths.js';
import type { KconfigSource } from './parser.js';

const MAX_BUFFER = 1 << 30;

function git(repo: string, args: string[], input?: string): Buffer {
  return execFileSync('git', ['-C', repo, ...args], {
    ...(input === undefined ? { stdio: ['ignore', 'pipe', 'pipe'] } : { input }),
    maxBuffer: MAX_BUFFER,
  });
}

/** The sha of a commit's root tree: equal trees, equal Kconfig, whatever the commit. */
export function gitTreeSha(repo: string, commit: string): string {
  return git(repo, ['rev-parse', '--verify', `${commit}^{tree}`])
    .toString('latin1')
    .trim();
}

/** Blobs by object id, read with one `git cat-file --batch`. */
export function catFileBatch(repo: string, ids: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  if (ids.length === 0) return out;
  const buf = git(repo, ['cat-file', '--batch'], `${ids.join('\n')}\n`);
  let at = 0;
  while (at < buf.length) {
    const nl = buf.indexOf(10, at);
    const [id, type, size] = buf.toString('latin1', at, nl).split(' ');
    if (type === 'missing' || size === undefined) {
      at = nl + 1;
      continue;
    }
    const start = nl + 1;
    const end = start + Number(size);
    out.set(id!, buf.toString('latin1', start, end));
    at = end + 1; // the blob is followed by a newline
  }
  return out;
}

/** The files of one commit: path -> blob id, and the texts read so far. */
export interface GitTree extends KconfigSource {
  readonly treeSha: string;
  /** Every path of the commit (files only). */
  readonly paths: readonly string[];
}

/** A KconfigSource over the files of `commit` in `repo`. */
export function gitSource(repo: string, commit: string): GitTree {
  const treeSha = gitTreeSha(repo, commit);
  const blobs = new Map<string, string>();
  for (const entry of git(repo, ['ls-tree', '-r', '-z', '--full-tree', treeSha])
    .toString('latin1')
    .split('\0')) {
    // "<mode> blob <id>\t<path>"
    const tab = entry.indexOf('\t');
    if (tab < 0) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    if (type === 'blob') blobs.set(entry.slice(tab + 1), id!);
  }
  const texts = new Map<string, string>();
  const fetch = (paths: string[]): void => {
    const got = catFileBatch(
      repo,
      paths.map((p) => blobs.get(p)!),
    );
    for (const p of paths) texts.set(p, got.get(blobs.get(p)!) ?? '');
  };
  fetch([...blobs.keys()].filter(readByKconfig));
  const paths = [...blobs.keys()];
  return {
    treeSha,
    paths,
    readFile(path) {
      if (!blobs.has(path)) return undefined;
      if (!texts.has(path)) fetch([path]);
      return texts.get(path);
    },
    glob(pattern) {
      const re = globToRegExp(pattern);
      return paths.filter((p) => re.test(p));
    },
  };
}
