import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diskSource, kernelVersion, shellRunner } from '../../src/kconfig/host.js';
import { shellResult } from '../../src/kconfig/preprocess.js';

const dir = mkdtempSync(join(tmpdir(), 'kmatrix-host-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kconfig host', () => {
  it('memoises $(shell) per command and environment, in memory and in the memo file', () => {
    const memoFile = join(dir, 'memo.json');
    const env = { KM_TEST: String(process.pid) };
    const first = shellRunner(env, memoFile);
    const out = first.run('echo "$KM_TEST $$"');
    expect(out).toMatch(new RegExp(`^${process.pid} \\d+\\n$`));
    expect(first.run('echo "$KM_TEST $$"')).toBe(out);
    first.flush();
    expect(Object.values(JSON.parse(readFileSync(memoFile, 'utf8')) as object)).toEqual([out]);
    // another environment is another key: the command runs again
    expect(shellRunner({ KM_TEST: 'other' }, memoFile).run('echo "$KM_TEST $$"')).toMatch(/^other \d+\n$/);
  });

  it('returns what the command printed even when it fails, as popen does', () => {
    expect(shellRunner({}).run('echo partial; exit 3')).toBe('partial\n');
  });

  it('post-processes shell output like do_shell and reads KERNELVERSION from the Makefile', () => {
    expect(shellResult('a\nb\n\n')).toBe('a b');
    expect(shellResult('x'.repeat(5000))).toHaveLength(4095);
    expect(kernelVersion('VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 118\nEXTRAVERSION =\n')).toBe('6.12.118');
    expect(kernelVersion('VERSION = 6\nPATCHLEVEL = 13\nSUBLEVEL = 0\nEXTRAVERSION = -rc1\n')).toBe(
      '6.13.0-rc1',
    );
  });

  it('reads files and globs of a tree on disk', () => {
    writeFileSync(join(dir, 'Kconfig.a'), 'A');
    writeFileSync(join(dir, 'Kconfig.b'), 'B');
    const src = diskSource(dir);
    expect(src.readFile('Kconfig.a')).toBe('A');
    expect(src.readFile('missing')).toBeUndefined();
    expect(src.glob!('Kconfig.*').sort()).toEqual(['Kconfig.a', 'Kconfig.b']);
  });
});
