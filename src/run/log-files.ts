/** Where a cell's log goes: a sanitised file name that can never leave the report directory. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InfraError } from '../errors.js';
import { makeDirs } from '../util/make-dirs.js';

const MAX_NAME = 160;

/**
 * A file-name-safe form of a cell id: only [A-Za-z0-9._,=+~@-], no leading dot, bounded length.
 * When anything had to change, a short hash of the original keeps distinct ids distinct.
 */
export function safeFileName(id: string): string {
  let name = id
    .replace(/[^A-Za-z0-9._,=+~@-]+/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/^\./, '_');
  if (name === id && name.length <= MAX_NAME && name.length > 0) return name;
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 10);
  if (name.length > MAX_NAME) name = name.slice(0, MAX_NAME);
  return `${name || 'cell'}-${hash}`;
}

/** The log path of a cell, relative to the report directory. */
export function logPathOf(id: string): string {
  return `logs/${safeFileName(id)}.log`;
}

/**
 * Create the report directory and its logs/ folder; an InfraError (exit 3) when that fails (see
 * make-dirs.ts: /proc).
 */
export function makeReportDir(reportDir: string): void {
  try {
    makeDirs(join(reportDir, 'logs'));
  } catch (err) {
    throw new InfraError(
      `cannot create the report directory ${reportDir}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
