/** Shared plumbing of the hardening end-to-end tests: temp matrices, reports, cache entries. */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import type { RunReport } from '../../src/report/schema.js';
import { decodeEntry } from '../../src/run/cache.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CELL_MJS = fileURLToPath(new URL('./fixtures/cell.mjs', import.meta.url));
export const STACK = /\n\s+at /;

/** A matrix over boot lines run by fixtures/cell.mjs; `backend` fields override. */
export function commandMatrix(
  dir: string,
  boots: string[],
  backend: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): string {
  const file = path.join(dir, 'm.yaml');
  mkdirSync(path.join(dir, 'dump'), { recursive: true });
  const doc = {
    name: 'hardening',
    matrix: { boot: boots, workload: ['boot'] },
    backend: {
      command: [process.execPath, CELL_MJS],
      timeout: '2s',
      env: { DUMP_DIR: path.join(dir, 'dump'), COUNT_FILE: path.join(dir, 'count') },
      ...backend,
    },
    ...extra,
  };
  writeFileSync(file, stringify(doc, { lineWidth: 0 }));
  return file;
}

export const readReport = (dir: string): RunReport =>
  JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as RunReport;

/** How many times cell.mjs ran. */
export const executions = (dir: string): number =>
  existsSync(path.join(dir, 'count'))
    ? readFileSync(path.join(dir, 'count'), 'utf8').split('\n').filter(Boolean).length
    : 0;

/** Every entry file under the cache decodes under its own key; returns how many there are. */
export function validCacheEntries(cacheDir: string): number {
  const entries = cacheEntryFiles(cacheDir);
  for (const e of entries)
    if (decodeEntry(e.text, e.key) === undefined) throw new Error(`corrupt cache entry ${e.name}`);
  return entries.length;
}

/** Every file below `dir`, relative to it. */
export function filesBelow(dir: string): string[] {
  return (
    readdirSync(dir, { recursive: true, withFileTypes: true }) as Array<{
      name: string;
      parentPath: string;
      isFile(): boolean;
    }>
  )
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/** A matrix in `dir` over `boots` whose program is the shell script `script`, saved as ./x.sh. */
export function scriptMatrix(dir: string, script: string, boots: string[], timeout = '2s'): string {
  writeFileSync(path.join(dir, 'x.sh'), script, { mode: 0o755 });
  const doc = {
    name: 'script',
    matrix: { boot: boots, workload: ['boot'] },
    backend: { command: ['./x.sh'], timeout },
  };
  const file = path.join(dir, 'm.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}
