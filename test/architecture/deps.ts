/**
 * The layering checker: every top folder of src/ lists what it may import in a DEPS.list
 * (Playwright's idea), and each import of each file, read from the TypeScript AST, must be
 * allowed there. Pure: source texts and DEPS texts in, violations out.
 *
 * DEPS.list, one allowance a line (`#` starts a comment):
 *   ../run                 another src folder (any file in it)
 *   ../run/types.ts        one file of it (a precise exception)
 *   node:fs                a node builtin (also node:fs/promises); builtins not listed are forbidden
 *   zod                    an npm package (also its sub-paths)
 *   type ../run            type-only imports of ../run, nothing at runtime
 *   [load.ts]              the lines below apply to this file of the folder only
 *   import(*)              (in a file section) dynamic imports of a computed specifier
 * A folder may always import within itself.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import ts from 'typescript';

/** One import of one file, as written. */
export interface ImportRef {
  line: number;
  /** The module specifier, or undefined for `import(expr)` / `require(expr)` of a computed value. */
  spec: string | undefined;
  typeOnly: boolean;
}

interface Allowance {
  /** `folder:run`, `file:run/types.ts`, `module:zod`, `computed` */
  key: string;
  typeOnly: boolean;
  line: number;
}

/** The parsed DEPS.list of one folder. */
export interface DepsRules {
  folder: string;
  all: Allowance[];
  /** Per-file sections, by path relative to the folder. */
  files: Map<string, Allowance[]>;
  /** The line of each section's `[file.ts]` header. */
  sectionLines: Map<string, number>;
}

const BUILTINS = new Set(builtinModules.filter((m) => !m.startsWith('_')));

/** Parse a folder's DEPS.list; throws on a line it cannot read (a typo must not allow everything). */
export function parseDeps(folder: string, text: string): DepsRules {
  const rules: DepsRules = { folder, all: [], files: new Map(), sectionLines: new Map() };
  let section = rules.all;
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const where = `src/${folder}/DEPS.list:${i + 1}`;
    const file = /^\[(.+)\]$/.exec(line);
    if (file) {
      section = [];
      rules.files.set(file[1]!, section);
      rules.sectionLines.set(file[1]!, i + 1);
      return;
    }
    const m = /^(type\s+)?(\S+)$/.exec(line);
    if (!m) throw new Error(`${where}: cannot read "${raw}"`);
    const typeOnly = Boolean(m[1]);
    const target = m[2]!;
    if (target === 'import(*)') {
      if (section === rules.all) throw new Error(`${where}: import(*) belongs in a [file.ts] section`);
      section.push({ key: 'computed', typeOnly: false, line: i + 1 });
      return;
    }
    section.push({ key: allowanceKey(folder, target, where), typeOnly, line: i + 1 });
  });
  return rules;
}

function allowanceKey(folder: string, target: string, where: string): string {
  if (target.startsWith('.')) {
    const rel = path.posix.normalize(path.posix.join(folder, target));
    if (rel.startsWith('..')) throw new Error(`${where}: ${target} leaves src/`);
    return rel.endsWith('.ts') ? `file:${rel}` : `folder:${rel}`;
  }
  return `module:${moduleName(target)}`;
}

/** `node:fs/promises` -> node:fs; `fs` -> node:fs; `@a/b/c` -> @a/b; `zod/v4` -> zod. */
function moduleName(spec: string): string {
  const bare = spec.replace(/^node:/, '');
  const top = bare.split('/')[0]!;
  if (spec.startsWith('node:') || BUILTINS.has(bare) || BUILTINS.has(top)) return `node:${top}`;
  return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : top;
}

/** Every import of a source text: declarations, re-exports, import(), require(), import = require(). */
export function importsOf(file: string, text: string): ImportRef[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportRef[] = [];
  const add = (node: ts.Node, spec: ts.Expression | undefined, typeOnly: boolean) =>
    out.push({
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      spec: spec && ts.isStringLiteralLike(spec) ? spec.text : undefined,
      typeOnly,
    });
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      add(node, node.moduleSpecifier, importIsTypeOnly(node.importClause));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause : undefined;
      const allTypes =
        named !== undefined && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
      add(node, node.moduleSpecifier, node.isTypeOnly || allTypes);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isCallExpression(node)) {
      const dynamic = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      const required = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      if (dynamic || required) add(node, node.arguments[0], false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      // `typeof import('../run/types.js')` in a type position
      add(node, node.argument.literal as ts.Expression, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function importIsTypeOnly(clause: ts.ImportClause | undefined): boolean {
  if (!clause) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const b = clause.namedBindings;
  return (
    b !== undefined && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly)
  );
}

/** What an import of `spec` from src-relative `file` lands on: keys it may be allowed by, and a label. */
function targetOf(file: string, spec: string): { keys: string[]; label: string; folder?: string } {
  if (!spec.startsWith('.')) {
    const name = moduleName(spec);
    return { keys: [`module:${name}`], label: name };
  }
  const rel = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
  const parts = rel.split('/');
  const keys = [`file:${rel}`];
  for (let i = parts.length - 1; i > 0; i--) keys.push(`folder:${parts.slice(0, i).join('/')}`);
  return { keys, label: parts.length > 1 ? parts[0]! : rel, folder: parts.length > 1 ? parts[0] : undefined };
}

/** One import a DEPS.list does not allow, or a DEPS line nothing needs. */
export interface Violation {
  file: string;
  line: number;
  message: string;
}

const ownName = (file: string, folder: string | undefined) => file.slice(folder ? folder.length + 1 : 0);
const of = (section: string | undefined) => (section ? ` of [${section}]` : '');

export const formatViolation = (v: Violation) => `${v.file}:${v.line}: ${v.message}`;

/**
 * Check every file against its folder's DEPS.list.
 * @param sources src-relative path (`bisect/commit-search.ts`) -> source text
 * @param rules folder name -> parsed DEPS.list (a folder without one may import only itself)
 */
export function checkDeps(
  sources: ReadonlyMap<string, string>,
  rules: ReadonlyMap<string, DepsRules>,
): Violation[] {
  const out: Violation[] = [];
  const used = new Set<Allowance>();
  for (const [file, text] of sources) {
    const folder = file.includes('/') ? file.split('/')[0]! : undefined;
    const deps = folder === undefined ? undefined : rules.get(folder);
    const list = folder === undefined ? 'src/' : `src/${folder}/DEPS.list`;
    const own = deps?.files.get(file.slice(folder!.length + 1)) ?? [];
    const allowances = [...own, ...(deps?.all ?? [])];
    for (const ref of importsOf(file, text)) {
      if (ref.spec === undefined) {
        const a = own.find((x) => x.key === 'computed');
        const section = ownName(file, folder);
        if (a) used.add(a);
        else
          out.push({
            file: `src/${file}`,
            line: ref.line,
            message: `imports a computed specifier, not allowed by import(*) in [${section}] of ${list}`,
          });
        continue;
      }
      const t = targetOf(file, ref.spec);
      if (folder !== undefined && t.folder === folder) continue;
      const allowing = allowances.filter((x) => t.keys.includes(x.key) && (!x.typeOnly || ref.typeOnly));
      allowing.forEach((x) => used.add(x));
      if (allowing.length > 0) continue;
      const kind = ref.typeOnly ? 'imports type' : 'imports';
      const hint = ref.typeOnly
        ? ''
        : allowances.some((x) => t.keys.includes(x.key))
          ? ' (allowed as type only)'
          : '';
      out.push({
        file: `src/${file}`,
        line: ref.line,
        message: `${kind} ${ref.spec} (${t.label}), not in ${list}${hint}`,
      });
    }
  }
  // a line nothing needs any more is stale: the lists stay an exact record of the tree
  for (const [folder, deps] of rules) {
    const sections: Array<[string | undefined, Allowance[]]> = [[undefined, deps.all], ...deps.files];
    for (const [section, allowances] of sections) {
      if (section !== undefined && !sources.has(`${folder}/${section}`))
        out.push({
          file: `src/${folder}/DEPS.list`,
          line: deps.sectionLines.get(section)!,
          message: `[${section}] names no file of src/${folder}`,
        });
      for (const a of allowances)
        if (!used.has(a))
          out.push({
            file: `src/${folder}/DEPS.list`,
            line: a.line,
            message: `${a.typeOnly ? 'type ' : ''}${a.key} is not needed by any file${of(section)}`,
          });
    }
  }
  return out;
}
