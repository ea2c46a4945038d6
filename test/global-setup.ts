/**
 * Build dist/ once before the tests that run the real binary, and only when it is missing or
 * older than src/: `npm test` after `npm run build` builds nothing, `npx vitest run test/x`
 * alone still works. The bundle (scripts/bundle.mjs) is rebuilt when it is not fresh, as
 * bin/kmatrix.js judges it, so the CLI tests run what users run and test/cli/bundle.test.ts
 * compares it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const DIST = path.join(ROOT, 'dist');

const mtime = (file: string) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

/**
 * Every src/**\/*.ts has its dist/ .js, written after the newest source was saved (tsc rewrites
 * them all).
 */
function compiledFresh(): boolean {
  const src = path.join(ROOT, 'src');
  const sources = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  const newest = Math.max(...sources.map((f) => mtime(path.join(src, f))!));
  return sources.every((f) => (mtime(path.join(DIST, f.replace(/\.ts$/, '.js'))) ?? 0) >= newest);
}

/** bin/kmatrix.js's test: no dist/ file the bundle was made from is newer than it. */
function bundleFresh(): boolean {
  try {
    const m = JSON.parse(readFileSync(path.join(DIST, 'bundle/manifest.json'), 'utf8')) as {
      built: number;
      inputs: string[];
    };
    if ((mtime(path.join(ROOT, 'node_modules/.package-lock.json')) ?? 0) > m.built) return false;
    return !m.inputs.some((f) => (mtime(path.join(DIST, f)) ?? Infinity) > m.built);
  } catch {
    return false;
  }
}

function step(what: string, cmd: string, args: string[], mustPass: boolean): void {
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const took = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status === 0) {
    process.stderr.write(`global-setup: ${what} (${took}s)\n`);
    return;
  }
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
  if (mustPass) throw new Error(`global-setup: ${what} failed (exit ${r.status}):\n${output}`);
  // tsc emits even with type errors (someone's work in progress); `npm run typecheck` reports them
  process.stderr.write(
    `global-setup: ${what}: type errors (exit ${r.status}), dist/ emitted anyway:\n${output}`,
  );
}

export default function setup(): void {
  const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
  if (!compiledFresh()) step('compiled src/ to dist/', process.execPath, [tsc, '-p', ROOT], false);
  if (!bundleFresh())
    step('bundled dist/cli', process.execPath, [path.join(ROOT, 'scripts/bundle.mjs')], true);
}
