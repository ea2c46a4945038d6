/** Shared plumbing of the hardening end-to-end tests: the real binary, temp matrices, reports. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { cacheEntryFiles } from '../helpers/cache-files.js';
import type { RunReport } from '../../src/report/schema.js';
import { decodeEntry } from '../../src/run/cache.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'kmatrix.js');
export const CELL_MJS = fileURLToPath(new URL('./fixtures/cell.mjs', import.meta.url));
export const STACK = /\n\s+at /;

export function tempDir(prefix = 'kmatrix-hard-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The real CLI, asynchronously (so a test can signal it), with its own cache under `cwd`. */
export function kmatrix(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 150_000,
): ResultPromise<{ reject: false }> {
  // SIGKILL at the timeout: a kmatrix spinning in a synchronous call cannot handle SIGTERM
  return execa(process.execPath, [BIN, ...args], {
    cwd,
    reject: false,
    env: { NO_COLOR: '1', ...env },
    stdin: 'ignore',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  }) as never;
}

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
