#!/usr/bin/env node
/**
 * Code shape figures for reviews: source lines per folder of src/, functions over 80 lines
 * (found on the TypeScript AST), and lines over 110 characters. `node scripts/code-stats.mjs [--json]`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SRC = path.join(ROOT, 'src');
const files = (dir) =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

const perFolder = {};
const longFunctions = [];
let longLines = 0;
for (const file of files(SRC)) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const rel = path.relative(SRC, file);
  const folder = rel.includes(path.sep) ? rel.split(path.sep)[0] : '.';
  perFolder[folder] = (perFolder[folder] ?? 0) + lines.length;
  longLines += lines.filter((l) => l.length > 110).length;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.end).line;
      const n = end - start + 1;
      if (n > 80) {
        const name =
          node.name?.getText(sf) ??
          (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(sf) : '<anonymous>');
        longFunctions.push({ name, file: rel, lines: n });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
longFunctions.sort((a, b) => b.lines - a.lines);
const out = {
  perFolder,
  total: Object.values(perFolder).reduce((a, b) => a + b, 0),
  longFunctions,
  linesOver110: longLines,
};
if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
else {
  for (const [f, n] of Object.entries(perFolder).sort()) process.stdout.write(`${f.padEnd(10)} ${n}\n`);
  process.stdout.write(`total      ${out.total}\nfunctions over 80 lines: ${longFunctions.length}\n`);
  for (const f of longFunctions) process.stdout.write(`  ${f.name} (${f.file}) ${f.lines}\n`);
  process.stdout.write(`lines over 110 characters: ${longLines}\n`);
}
