/**
 * Lines of code and tests stay within 110 characters (Prettier's printWidth). Prettier wraps
 * code but not comments or long strings, so this catches what it leaves.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAX = 110;

/** Lines longer than `max` characters (not bytes), as `file:line (length)`. */
export function longLines(files: ReadonlyMap<string, string>, max = MAX): string[] {
  const out: string[] = [];
  for (const [file, text] of files)
    text.split('\n').forEach((line, i) => {
      const n = [...line].length;
      if (n > max) out.push(`${file}:${i + 1} (${n})`);
    });
  return out;
}

describe('line length', () => {
  it(`keeps every line of src, test, scripts and bin within ${MAX} characters`, () => {
    const listed = execFileSync('git', ['ls-files', 'src', 'test', 'scripts', 'bin'], { cwd: ROOT })
      .toString()
      .split('\n')
      .filter((f) => /\.(ts|mjs|js)$/.test(f) && !f.includes('/fixtures/'));
    expect(listed.length).toBeGreaterThan(100);
    const files = new Map(listed.map((f) => [f, readFileSync(path.join(ROOT, f), 'utf8')]));
    expect(longLines(files)).toEqual([]);
  });

  it('counts characters, not bytes, and names the line', () => {
    const wide = `// ${'│'.repeat(107)}`;
    expect(longLines(new Map([['a.ts', `ok\n${wide}\n${wide}x`]]))).toEqual(['a.ts:3 (111)']);
  });
});
