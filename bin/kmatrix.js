#!/usr/bin/env node
// Tiny launcher: the CLI is compiled to dist/ at install time (npm "prepare": tsc, then
// scripts/bundle.mjs). `--version` is answered here so it costs no module loading at all.
// CommonJS (bin/package.json): an ES module entry point costs Node ~15 ms more to start.
'use strict';
const { readFileSync, renameSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');

const ROOT = path.join(__dirname, '..');
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const bundle = loadBundle(process.env.KMATRIX_BUNDLE);
  (bundle ? Promise.resolve(bundle.main) : import('../dist/cli/main.js').then((m) => m.main))
    .then((main) => main(process.argv))
    .then((code) => {
      process.exitCode = code;
      bundle?.saveCache();
    });
}

/**
 * dist/bundle/kmatrix.cjs (scripts/bundle.mjs), run with its V8 code cache: start-up without
 * resolving and compiling ~150 modules. Used only while no dist/ file it was made from is newer
 * than it, so a `tsc` run alone falls back to dist/cli/main.js rather than running old code.
 * KMATRIX_BUNDLE=0 never uses it; KMATRIX_BUNDLE=1 always does (tests compare the two).
 */
function loadBundle(mode) {
  if (mode === '0') return undefined;
  const dir = path.join(ROOT, 'dist', 'bundle');
  const filename = path.join(dir, 'kmatrix.cjs');
  let source;
  try {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    if (mode !== '1' && !isFresh(manifest)) return undefined;
    source = readFileSync(filename, 'utf8');
  } catch (err) {
    if (mode === '1') throw err;
    return undefined;
  }
  // the id is a hash of the code (its last line): a cache is only ever read for the code it was made from
  const id = source.slice(source.lastIndexOf('//kmatrix-bundle ') + 17).trim();
  const cacheFile = path.join(dir, `kmatrix-${id}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // no cache yet: compiled from source, then saved below
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __kmatrix_import) {${source}\n})`,
    { filename, cachedData },
  );
  const module = { exports: {} };
  // the bundle requires only Node's own modules; getBuiltinModule skips the module loader
  const bundleRequire = (name) =>
    process.getBuiltinModule(name) ?? require('node:module').createRequire(filename)(name);
  // the bundle's import() calls (a reporter module given by path, as a file URL) come here:
  // Node 20 cannot import() from code that vm.Script ran from a code cache
  const bundleImport = (specifier) => import(specifier);
  script.runInThisContext()(module.exports, bundleRequire, module, filename, dir, bundleImport);
  const stale = cachedData === undefined || script.cachedDataRejected;
  return {
    main: module.exports.main,
    // after the command: the cache then holds the functions it compiled (a best effort; read-only
    // installs skip it)
    saveCache() {
      if (!stale) return;
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // not writable: every run compiles from source, as without a cache
      }
    },
  };
}

/** True when no dist/ file the bundle was made from, nor node_modules' lock file, changed since. */
function isFresh(manifest) {
  const changed = (file, missing) =>
    (statSync(path.join(ROOT, file), { throwIfNoEntry: false })?.mtimeMs ?? missing) > manifest.built;
  // no lock file: installed as a dependency (node_modules is further up), nothing to compare
  if (changed('node_modules/.package-lock.json', 0)) return false;
  return !manifest.inputs.some((file) => changed(`dist/${file}`, Infinity));
}
