/** Temp dirs for tests, removed when the test file ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];

// Imported while vitest collects a test file: this hook belongs to that file. Hooks run as a stack,
// so a test file's own afterAll (e.g. unmounting a tmpfs in one of these dirs) runs first.
afterAll(() => {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch (err) {
      // a leftover dir in /tmp must not fail the tests that passed
      process.stderr.write(`tempDir: could not remove ${dir}: ${String(err)}\n`);
    }
  }
});

/** A fresh empty directory under the OS temp dir, removed after the test file. */
export function tempDir(prefix = 'kmatrix-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
