import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeps, formatViolation, importsOf, parseDeps, type DepsRules } from './deps.js';

// The folder tree is the architecture (../shared/style.md): a functional core (matrix, sim, the
// bisect search) and an imperative shell (cli, run, report). Each top folder of src/ says in its
// DEPS.list what it may import; deps.ts checks every import against it.
const SRC = path.resolve(import.meta.dirname, '../../src');

const folders = readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** src-relative path -> text of every .ts file under src/. */
function readTree(): Map<string, string> {
  const files = (readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  return new Map(
    files.sort().map((f) => [f.split(path.sep).join('/'), readFileSync(path.join(SRC, f), 'utf8')]),
  );
}

function readRules(): Map<string, DepsRules> {
  const rules = new Map<string, DepsRules>();
  for (const f of folders) {
    const file = path.join(SRC, f, 'DEPS.list');
    if (existsSync(file)) rules.set(f, parseDeps(f, readFileSync(file, 'utf8')));
  }
  return rules;
}

const tree = readTree();
const rules = readRules();

/** The violations in `file` once its text is changed by `edit` (the rest of the tree as it is). */
function violationsWith(file: string, edit: (text: string) => string): string[] {
  const text = tree.get(file);
  if (text === undefined) throw new Error(`no src/${file}`);
  const sources = new Map(tree).set(file, edit(text));
  return checkDeps(sources, rules)
    .filter((v) => v.file === `src/${file}`)
    .map(formatViolation);
}

/** Add `line` after the file's last import, so the reported line number is known. */
function addImport(text: string, line: string): { text: string; line: number } {
  const lines = text.split('\n');
  const at = lines.findLastIndex((l) => /^import\b|^} from /.test(l)) + 1;
  lines.splice(at, 0, line);
  return { text: lines.join('\n'), line: at + 1 };
}

function expectOnly(file: string, added: string, message: string): void {
  let line = 0;
  const got = violationsWith(file, (t) => {
    const r = addImport(t, added);
    line = r.line;
    return r.text;
  });
  expect(got).toEqual([`src/${file}:${line}: ${message}`]);
}

describe('layering: DEPS.list per folder', () => {
  it('finds the source tree, and every top folder of src/ has a DEPS.list', () => {
    expect(tree.size).toBeGreaterThan(10);
    expect(folders).toEqual(expect.arrayContaining(['bisect', 'cli', 'matrix', 'run', 'sim', 'util']));
    expect(folders.filter((f) => !rules.has(f))).toEqual([]);
  });

  it('the tree imports only what its DEPS.lists allow, and every DEPS line is needed', () => {
    expect(checkDeps(tree, rules).map(formatViolation)).toEqual([]);
  });

  it('the pure core allows no file system, processes or threads', () => {
    for (const folder of ['sim', 'bisect', 'util'])
      for (const m of ['node:child_process', 'node:worker_threads'])
        expect(rules.get(folder)!.all.map((a) => a.key)).not.toContain(`module:${m}`);
    for (const folder of ['sim', 'bisect', 'matrix'])
      expect(rules.get(folder)!.all.map((a) => a.key)).not.toContain('module:node:fs');
    // src/run grants them file by file: its decision modules (gate, baseline, shard) stay pure
    for (const m of ['node:fs', 'node:child_process', 'node:worker_threads'])
      expect(rules.get('run')!.all.map((a) => a.key)).not.toContain(`module:${m}`);
    for (const f of ['gate.ts', 'baseline.ts', 'shard.ts', 'sim-input.ts'])
      expect(rules.get('run')!.files.has(f), f).toBe(false);
  });

  it('flags the bisect search importing the pool', () => {
    expectOnly(
      'bisect/commit-search.ts',
      "import { runPool } from '../run/pool.js';",
      'imports ../run/pool.js (run), not in src/bisect/DEPS.list',
    );
  });

  it('flags the bisect search importing the pool dynamically', () => {
    expectOnly(
      'bisect/commit-search.ts',
      "const pool = () => import('../run/pool.js');",
      'imports ../run/pool.js (run), not in src/bisect/DEPS.list',
    );
  });

  it('allows a type-only import of a folder listed as `type`, in both spellings', () => {
    for (const added of [
      "import type { CellResult } from '../report/schema.js';",
      "import { type CellResult } from '../report/schema.js';",
      "export type { CellResult } from '../report/schema.js';",
      "type T = typeof import('../report/schema.js');",
    ])
      expect(
        violationsWith('bisect/commit-search.ts', (t) => addImport(t, added).text),
        added,
      ).toEqual([]);
  });

  it('flags a runtime import of a folder listed as `type` (one runtime name is enough)', () => {
    expectOnly(
      'bisect/commit-search.ts',
      "import { type CellResult, STATUSES } from '../report/schema.js';",
      'imports ../report/schema.js (report), not in src/bisect/DEPS.list (allowed as type only)',
    );
  });

  it('flags a type-only import of a folder not listed at all', () => {
    expectOnly(
      'sim/bootparams.ts',
      "import type { Cell } from '../matrix/types.js';",
      'imports type ../matrix/types.js (matrix), not in src/sim/DEPS.list',
    );
  });

  it('flags matrix expansion running processes: execa, git through child_process', () => {
    expectOnly(
      'matrix/expand.ts',
      "import { execa } from 'execa';",
      'imports execa (execa), not in src/matrix/DEPS.list',
    );
    expectOnly(
      'matrix/expand.ts',
      "import { execFileSync } from 'node:child_process';",
      'imports node:child_process (node:child_process), not in src/matrix/DEPS.list',
    );
    expectOnly(
      'matrix/expand.ts',
      "import { openGit } from '../history/git.js';",
      'imports ../history/git.js (history), not in src/matrix/DEPS.list (allowed as type only)',
    );
  });

  it('gives file rights to the file named in a section only', () => {
    // matrix/load.ts may read files; its neighbour expand.ts may not
    expect(violationsWith('matrix/load.ts', (t) => addImport(t, "import 'node:fs/promises';").text)).toEqual(
      [],
    );
    expectOnly(
      'matrix/expand.ts',
      "import 'node:fs';",
      'imports node:fs (node:fs), not in src/matrix/DEPS.list',
    );
  });

  it('reads fs without the node: prefix, require() and import = require() too', () => {
    expectOnly('sim/bootparams.ts', "import fs from 'fs';", 'imports fs (node:fs), not in src/sim/DEPS.list');
    expectOnly(
      'sim/bootparams.ts',
      "const cp = require('child_process');",
      'imports child_process (node:child_process), not in src/sim/DEPS.list',
    );
    expectOnly(
      'sim/bootparams.ts',
      "import wt = require('node:worker_threads');",
      'imports node:worker_threads (node:worker_threads), not in src/sim/DEPS.list',
    );
    expectOnly(
      'sim/bootparams.ts',
      "export { runPool } from '../run/pool.js';",
      'imports ../run/pool.js (run), not in src/sim/DEPS.list',
    );
  });

  it('flags a dynamic import of a computed specifier outside a file section allowing it', () => {
    expectOnly(
      'sim/bootparams.ts',
      'const load = (m: string) => import(m);',
      'imports a computed specifier, not allowed by import(*) in [bootparams.ts] of src/sim/DEPS.list',
    );
    // report/registry.ts loads custom reporters by path and says so in its section
    expect(importsOf('report/registry.ts', tree.get('report/registry.ts')!).some((r) => !r.spec)).toBe(true);
  });

  it('a folder without a DEPS.list may import only itself', () => {
    const sources = new Map([
      ['session/run.ts', "import { a } from './a.js';\nimport { runPool } from '../run/pool.js';\n"],
      ['session/a.ts', 'export const a = 1;\n'],
    ]);
    expect(checkDeps(sources, new Map()).map(formatViolation)).toEqual([
      'src/session/run.ts:2: imports ../run/pool.js (run), not in src/session/DEPS.list',
    ]);
  });

  it('reports DEPS lines nothing needs and sections naming no file', () => {
    const deps = parseDeps('sim', '../util\nnode:fs # gone\n\n[nope.ts]\nzod\n');
    const sources = new Map([['sim/a.ts', "import { m } from '../util/object-memo.js';\n"]]);
    expect(checkDeps(sources, new Map([['sim', deps]])).map(formatViolation)).toEqual([
      'src/sim/DEPS.list:2: module:node:fs is not needed by any file',
      'src/sim/DEPS.list:4: [nope.ts] names no file of src/sim',
      'src/sim/DEPS.list:5: module:zod is not needed by any file of [nope.ts]',
    ]);
  });

  it('refuses DEPS lines it cannot read', () => {
    expect(() => parseDeps('sim', '../run ../report\n')).toThrow('src/sim/DEPS.list:1: cannot read');
    expect(() => parseDeps('sim', 'import(*)\n')).toThrow(
      'src/sim/DEPS.list:1: import(*) belongs in a [file.ts] section',
    );
    expect(() => parseDeps('sim', '../../etc\n')).toThrow('src/sim/DEPS.list:1: ../../etc leaves src/');
  });
});

describe('layering: other rules', () => {
  it('nothing but the CLI imports src/cli', () => {
    const bad = [...tree]
      .filter(([f]) => !f.startsWith('cli/'))
      .flatMap(([f, text]) =>
        importsOf(f, text)
          .filter(
            (r) => r.spec !== undefined && path.posix.join(path.posix.dirname(f), r.spec).startsWith('cli/'),
          )
          .map((r) => `src/${f}:${r.line} -> ${r.spec}`),
      );
    expect(bad).toEqual([]);
  });

  it('modules stay small (at most 400 lines; aim for 50-300)', () => {
    const big = [...tree]
      .map(([f, text]) => [f, text.split('\n').length] as const)
      .filter(([, n]) => n > 400);
    expect(big).toEqual([]);
  });
});
