import { existsSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDirs } from '../../src/util/make-dirs.js';
import { tempDir } from '../helpers/temp.js';

describe('makeDirs (mkdir -p that always ends)', () => {
  it('creates missing parents, and is a no-op on an existing directory', () => {
    const dir = tempDir();
    const deep = path.join(dir, 'a', 'b', 'c');
    makeDirs(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirs(deep);
    makeDirs(dir);
    expect(statSync(deep).isDirectory()).toBe(true);
  });

  it('fails with ENOTDIR when a part of the path is a file', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'f'), '');
    expect(() => makeDirs(path.join(dir, 'f', 'x'))).toThrow(/^ENOTDIR: not a directory, mkdir '.*\/f\/x'$/);
    expect(() => makeDirs(path.join(dir, 'f'))).toThrow(/ENOTDIR/);
  });

  it('fails at once under /proc, where recursive mkdir spins forever', () => {
    // procfs answers ENOENT for the child although /proc exists
    expect(() => makeDirs('/proc/kmatrix-hardening/out')).toThrow(
      /ENOENT: no such file or directory, mkdir '\/proc\/kmatrix-hardening'/,
    );
    expect(existsSync('/proc/kmatrix-hardening')).toBe(false);
  });
});
