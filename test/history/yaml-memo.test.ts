/**
 * Remembered history parses (`kmatrix run` with the cache on): a hit gives the same history as
 * a parse, every remembered value is still validated, and problems are still located.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSimHistory } from '../../src/history/sim-history.js';
import type { YamlMemo } from '../../src/yaml/yaml.js';
import { FileYamlMemo } from '../../src/run/yaml-memo.js';
import { tempDir } from '../helpers/temp.js';

const FILE = fileURLToPath(new URL('../../matrices/histories/linux-mm.yaml', import.meta.url));
const TEXT = readFileSync(FILE, 'utf8');

/** A memo in a Map that counts its hits. */
function mapMemo(seed?: unknown): YamlMemo & { hits: number; puts: number } {
  const m = new Map<string, unknown>();
  if (seed !== undefined) m.set(TEXT, seed);
  return {
    hits: 0,
    puts: 0,
    get(text) {
      const v = m.get(text);
      if (v !== undefined) this.hits++;
      return v;
    },
    put(text, value) {
      this.puts++;
      m.set(text, value);
    },
  };
}

const view = (r: ReturnType<typeof parseSimHistory>) => {
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('\n'));
  const h = r.history;
  return { commits: h.commits, states: h.commits.map((_, i) => h.stateAt(i)) };
};

describe('parseSimHistory with a memo', () => {
  it('remembers a valid parse and gives the same history from it', () => {
    const memo = mapMemo();
    const plain = view(parseSimHistory(FILE, TEXT));
    expect(view(parseSimHistory(FILE, TEXT, memo))).toEqual(plain);
    expect(memo.puts).toBe(1);
    expect(view(parseSimHistory(FILE, TEXT, memo))).toEqual(plain);
    expect(memo.hits).toBe(1);
  });

  it('validates what it remembers: a wrong value is parsed again', () => {
    for (const bad of [
      { name: 'x', commits: [] },
      { name: 'x', commits: [{ sha: 'zz', subject: 's' }] },
      'text',
      42,
    ]) {
      const memo = mapMemo(bad);
      expect(view(parseSimHistory(FILE, TEXT, memo))).toEqual(view(parseSimHistory(FILE, TEXT)));
    }
  });

  it('locates the problems of an invalid history whatever the memo holds', () => {
    const broken = TEXT.replace(/sha: ([0-9a-f]{40})/, 'sha: NOT-A-SHA');
    const r = parseSimHistory(FILE, broken, mapMemo());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.line).toBeGreaterThan(1);
  });
});

describe('FileYamlMemo', () => {
  it('keeps values by text in yaml/ under the cache folder, and nothing JSON would change', () => {
    const dir = tempDir('kmatrix-yaml-memo-');
    const memo = new FileYamlMemo(dir);
    expect(memo.get('a: 1\n')).toBeUndefined();
    memo.put('a: 1\n', { a: 1, list: ['x', null, true] });
    expect(memo.get('a: 1\n')).toEqual({ a: 1, list: ['x', null, true] });
    expect(memo.get('a: 2\n')).toBeUndefined();
    memo.put('b: .inf\n', { b: Infinity });
    memo.put('c: -0\n', { c: -0 });
    expect(memo.get('b: .inf\n')).toBeUndefined();
    expect(memo.get('c: -0\n')).toBeUndefined();
    const files = readdirSync(join(dir, 'yaml'));
    expect(files).toHaveLength(1);
    writeFileSync(join(dir, 'yaml', files[0]!), '{"a": 1, trunc');
    expect(memo.get('a: 1\n')).toBeUndefined();
  });

  it('never throws when the folder cannot be written', () => {
    const file = join(tempDir('kmatrix-yaml-memo-'), 'a-file');
    writeFileSync(file, 'x');
    const memo = new FileYamlMemo(file);
    expect(() => memo.put('a: 1\n', { a: 1 })).not.toThrow();
    expect(existsSync(join(file, 'yaml'))).toBe(false);
  });
});
