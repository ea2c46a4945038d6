/**
 * Compile src/ to dist/ for the CLI end-to-end tests, once for all of this folder's test files:
 * the first file to get the lock runs `tsc -p .` (which emits even when someone else's work in
 * progress has type errors); the others wait for it, then skip because dist is fresh.
 */
import { execa } from 'execa';
import { mkdir, readdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from '../helpers/cli.js';

const LOCK = path.join(ROOT, 'dist', '.bisect-tests-build.lock');
const STAMP = path.join(ROOT, 'dist', '.bisect-tests-build.stamp');

async function newestSource(dir: string): Promise<number> {
  let newest = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? await newestSource(p) : (await stat(p)).mtimeMs);
  }
  return newest;
}

async function fresh(): Promise<boolean> {
  const built = await stat(STAMP).then(
    (s) => s.mtimeMs,
    () => 0,
  );
  return built > (await newestSource(path.join(ROOT, 'src')));
}

export async function buildOnce(): Promise<void> {
  if (process.env.KMATRIX_SKIP_TSC) return;
  await mkdir(path.dirname(LOCK), { recursive: true });
  for (let waited = 0; ; waited += 250) {
    if (await fresh()) return;
    const got = await mkdir(LOCK).then(
      () => true,
      () => false,
    );
    if (got) break;
    // a lock left by a killed run is stolen after two minutes
    if (waited > 120_000) await rmdir(LOCK).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    const started = new Date();
    await execa('npx', ['tsc', '-p', '.'], { cwd: ROOT, reject: false });
    await writeFile(STAMP, started.toISOString());
    // the stamp's mtime must not be newer than a source edited during the build
    const { utimes } = await import('node:fs/promises');
    await utimes(STAMP, started, started);
  } finally {
    await rmdir(LOCK).catch(() => undefined);
  }
}
