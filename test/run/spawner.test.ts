import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellScript, exportWords, findExecutable, OutputScanner, shellQuote, shellSafe } from '../../src/run/backends/spawner-protocol.js';
import { execFileSync } from 'node:child_process';

const MARKER = Buffer.from('\x01kmatrix-end-0123456789abcdef\x01');

describe('OutputScanner', () => {
  it('passes on exactly the output before the marker and reads the status after it, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 255 }), fc.array(fc.nat(), { maxLength: 8 }), (out, status, cuts) => {
        const output = Buffer.from(out);
        fc.pre(output.indexOf(MARKER.subarray(0, 1)) < 0);
        const stream = Buffer.concat([output, MARKER, Buffer.from(`${status}\n`), Buffer.from('late grandchild output')]);
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const got: Buffer[] = [];
        const scanner = new OutputScanner(MARKER, (b) => got.push(Buffer.from(b)));
        let from = 0;
        for (const p of [...points, stream.length]) {
          scanner.push(stream.subarray(from, p));
          from = p;
        }
        expect(Buffer.concat(got).equals(output)).toBe(true);
        expect(scanner.status).toBe(status);
      }),
      { numRuns: 500 },
    );
  });
});

describe('cell scripts', () => {
  it('quote any value so that bash gives it back verbatim', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }).filter((v) => !v.includes('\0')), (value) => {
        const echoed = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`]).toString();
        expect(echoed).toBe(Buffer.from(value).toString());
      }),
      { numRuns: 60 },
    );
  });

  it('refuses what a shell cannot carry', () => {
    expect(shellSafe({ GOOD_NAME: 'x' }, ['a'])).toBe(true);
    expect(shellSafe({ 'BAD-NAME': 'x' })).toBe(false);
    expect(shellSafe({ A: 'x\0y' })).toBe(false);
    expect(shellSafe({}, ['a\0b'])).toBe(false);
    expect(exportWords({ A: 'x\0y' })).toBeUndefined();
    expect(exportWords({ A: "it's", B: '' })).toBe(`'A=it'\\''s' 'B='`);
  });

  it('finds programs in PATH and by path, and nothing that is not executable', () => {
    expect(findExecutable('bash')).toMatch(/\/bash$/);
    expect(findExecutable('/bin/sh')).toBe('/bin/sh');
    expect(findExecutable('no-such-program-kmatrix')).toBeUndefined();
    expect(findExecutable('/etc/passwd')).toBeUndefined();
  });

  it('puts the working directory, the environment and argv in single quotes only', () => {
    const script = new CellScript("/tmp/it's", ['/bin/echo', '`id`']).text(exportWords({ KMATRIX_BOOT: '$(reboot)' })!, 7);
    expect(script).toContain(`cd -- '/tmp/it'\\''s'`);
    expect(script).toContain(`export 'KMATRIX_BOOT=$(reboot)'`);
    expect(script).toContain(`exec -- '/bin/echo' '\`id\`'`);
    expect(script).toContain(`printf 'P 7 %s\\n'`);
  });
});
