import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { createReporters, parseReporterList } from '../../src/report/registry.js';
import { closest as didYouMean } from '../../src/util/suggest.js';
import { bufferWriter, fixtureReport } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const ctx = (dir: string) => ({
  reportDir: dir,
  stdout: bufferWriter(),
  stderr: bufferWriter(),
  color: false,
});

describe('reporter registry', () => {
  it('creates the built-in reporters by name, in order', async () => {
    const rs = await createReporters(
      ['table', 'json', 'junit', 'markdown', 'html', 'kcidb', 'events'],
      ctx(tempDir()),
    );
    expect(rs.map((r) => r.name)).toEqual(['table', 'json', 'junit', 'markdown', 'html', 'kcidb', 'events']);
  });

  it('splits comma lists and repeated flags', () => {
    expect(parseReporterList(['table,json', ' html ,json', ''])).toEqual(['table', 'json', 'html']);
    expect(parseReporterList(undefined)).toEqual([]);
  });

  it('rejects an unknown name with a did-you-mean', async () => {
    const err = await createReporters(['tabel'], ctx(tempDir())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toBe(
      '--reporter: unknown reporter "tabel" (did you mean "table"?); ' +
        'built-in: table, json, junit, markdown, html, kcidb, events, or a module path starting with ./ or /',
    );
    expect(didYouMean('xml', ['table', 'json', 'junit'])).toBeUndefined();
    expect(didYouMean('mark', ['table', 'markdown'])).toBe('markdown');
  });

  it('loads a user reporter object from a ./relative module path', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'count.mjs'),
      `let n = 0;\nexport default { name: 'count', onCellEnd() { n++; }, ` +
        `onRunEnd(report) { globalThis.__kmCount = n + ':' + report.matrix; } };\n`,
    );
    const [r] = await createReporters(['./count.mjs'], ctx(dir), dir);
    expect(r!.name).toBe('count');
    const report = fixtureReport();
    await r!.onCellEnd!(report.cells[0]!);
    await r!.onRunEnd!(report, 'failed');
    expect((globalThis as Record<string, unknown>).__kmCount).toBe('1:mm-highmem-cma');
  });

  it('loads a factory and names a nameless reporter after its path', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'f.mjs'),
      `export default (ctx) => ({ onRunEnd() { ctx.stdout.write('hello from ' + ctx.reportDir); } });\n`,
    );
    const c = ctx(dir);
    const [r] = await createReporters([join(dir, 'f.mjs')], c);
    expect(r!.name).toBe(join(dir, 'f.mjs'));
    await r!.onRunEnd!(fixtureReport(), 'passed');
    expect(c.stdout.text()).toBe(`hello from ${dir}`);
  });

  it('rejects modules that are missing or export no reporter', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'nothing.mjs'), 'export default 42;\n');
    await expect(createReporters(['./missing.mjs'], ctx(dir), dir)).rejects.toThrow(
      /cannot load reporter module \.\/missing\.mjs/,
    );
    await expect(createReporters(['./nothing.mjs'], ctx(dir), dir)).rejects.toThrow(
      /must default-export a reporter object/,
    );
  });
});
