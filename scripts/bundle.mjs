#!/usr/bin/env node
/**
 * Second build step (after tsc): bundle the compiled CLI into dist/bundle/ so it starts fast.
 *
 * Why: `kmatrix plan` spent most of its start-up resolving, reading and compiling ~150 module
 * files (dist/, commander, zod, yaml). One CommonJS file loaded through `vm.Script` with a V8
 * code cache (bin/kmatrix.js) skips nearly all of that; Node 20 has no code cache for ES modules.
 *
 * Writes:
 * - kmatrix.cjs: dist/cli/main.js and everything it imports, lazily imported modules included
 *   (esbuild keeps `await import()` lazy: their code runs only when imported). The launcher
 *   runs it as a function of (exports, require, module, __filename, __dirname, __kmatrix_import).
 *   Its last line names it by a hash of its content: its code cache is kmatrix-<hash>.v8cache,
 *   so a cache never meets other code (V8 itself only checks the source's length).
 * - <name>.js for every dist/**\/*-worker.js: worker threads are started by file, found with
 *   `new URL('./<name>.js', import.meta.url)`, which inside the bundle is dist/bundle/.
 * - manifest.json, last: when the build started and every dist/ file bundled. The launcher
 *   uses the bundle only while none of them (nor node_modules' lock file) is newer, so running
 *   `tsc` alone (as the tests do) falls back to dist/cli/main.js instead of running old code.
 *   (Newer, not different: a package tarball sets every file to one old date.)
 * - the code cache, by running `kmatrix plan` once (the launcher writes a missing cache).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'bundle');

/** Options shared by both builds: Node 20, whitespace and syntax minified, names kept for stack traces. */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  write: false,
  metafile: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  // an import.meta the CommonJS output cannot express would silently become {}: refuse instead
  logOverride: { 'empty-import-meta': 'error' },
};

/**
 * Every `import()` esbuild left (a module known only at run time: a user's reporter) calls
 * `__kmatrix_import`, the launcher's own import(): code that vm.Script runs from a code cache
 * cannot import() in Node 20. Found by parsing, so no string or comment is touched.
 */
function routeDynamicImports(code) {
  const file = ts.createSourceFile('kmatrix.cjs', code, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const starts = [];
  const visit = (node) => {
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      starts.push(node.expression.getStart(file));
    ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const at of starts.reverse())
    out = `${out.slice(0, at)}__kmatrix_import${out.slice(at + 'import'.length)}`;
  return out;
}

function workers(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return p === OUT ? [] : workers(p);
    return e.name.endsWith('-worker.js') ? [p] : [];
  });
}

/** Write a file under a temp name, then rename: a concurrent launcher sees the old file or the new one. */
function writeAtomic(file, contents) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

const entry = path.join(DIST, 'cli', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('bundle: dist/cli/main.js is missing; run tsc first (npm run build does both)\n');
  process.exit(1);
}
rmSync(path.join(OUT, 'manifest.json'), { force: true });
// before esbuild reads anything: a file tsc rewrites while we bundle counts as newer
const built = Date.now();

const cli = await build({
  ...common,
  entryPoints: [entry],
  format: 'cjs',
  outfile: path.join(OUT, 'kmatrix.cjs'),
  // import.meta.url: the bundle's own URL, from the __filename the launcher passes in
  define: { 'import.meta.url': '__kmatrix_import_meta_url' },
  banner: {
    js: '"use strict";var __kmatrix_import_meta_url=require("node:url").pathToFileURL(__filename).href;',
  },
});
const workerEntries = workers(DIST);
const threads = workerEntries.length
  ? await build({ ...common, entryPoints: workerEntries, format: 'esm', outdir: OUT, entryNames: '[name]' })
  : { outputFiles: [], metafile: { inputs: {} } };

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
for (const f of threads.outputFiles) writeAtomic(f.path, f.contents);
const code = routeDynamicImports(cli.outputFiles[0].text);
const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
writeAtomic(path.join(OUT, 'kmatrix.cjs'), `${code}//kmatrix-bundle ${id}\n`);

// zod's `import { z }` form keeps every locale (~350 KB)
// in the bundle; `import * as z` lets esbuild drop them
const bundled = Object.values(cli.metafile.outputs).flatMap((o) =>
  Object.entries(o.inputs)
    .filter(([, i]) => i.bytesInOutput > 0)
    .map(([f]) => f),
);
const locales = bundled.filter((f) => /zod\/v4\/locales\/(?!en\.js|index\.js)/.test(f));
if (locales.length)
  process.stderr.write(
    `bundle: warning: ${locales.length} zod locales bundled; ` +
      `write \`import * as z from 'zod'\`, not \`import { z }\`\n`,
  );

const inputs = new Set(
  [...Object.keys(cli.metafile.inputs), ...Object.keys(threads.metafile.inputs)]
    .map((f) => path.resolve(ROOT, f))
    .filter((f) => f.startsWith(`${DIST}${path.sep}`)),
);
const manifest = {
  built,
  inputs: [...inputs].map((f) => path.relative(DIST, f).split(path.sep).join('/')).sort(),
};
writeAtomic(path.join(OUT, 'manifest.json'), `${JSON.stringify(manifest)}\n`);

// warm the code cache: a plan of a shipped matrix compiles what most commands start with
const warm = spawnSync(
  process.execPath,
  [path.join(ROOT, 'bin', 'kmatrix.js'), 'plan', path.join(ROOT, 'matrices', 'seeds.yaml'), '--json'],
  {
    cwd: ROOT,
    env: { ...process.env, KMATRIX_BUNDLE: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  },
);
if (warm.status !== 0)
  process.stderr.write(
    `bundle: warning: warming the code cache failed (exit ${warm.status}): ${warm.stderr}`,
  );
const size = (f) => Math.round(statSync(path.join(OUT, f)).size / 1024);
const workerCount = workerEntries.length ? `, ${workerEntries.length} worker(s)` : '';
process.stderr.write(
  `bundle: dist/bundle/kmatrix.cjs ${size('kmatrix.cjs')} KB from ${inputs.size} dist files${workerCount}\n`,
);
