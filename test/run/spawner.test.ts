import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CellScript,
  exportWords,
  findExecutable,
  FrameScanner,
  shellQuote,
  shellSafe,
} from '../../src/run/backends/spawner-protocol.js';
import { execFileSync } from 'node:child_process';

const MARKER = Buffer.from('\x01kmatrix-end-0123456789abcdef\x01');

describe('FrameScanner', () => {
  // a stream: output (without the marker's first byte) and reports, in any order
  const piece = fc.oneof(
    fc.uint8Array({ maxLength: 120 }).map((b) => ({ data: Buffer.from(b.filter((x) => x !== MARKER[0])) })),
    fc.record({ kind: fc.constantFrom('S', 'P', 'E', 'N', 'R'), value: fc.stringMatching(/^[0-9 ]{0,12}$/) }),
  );

  it('gives back the output between reports and every report, in order, however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (pieces, cuts) => {
          const stream = Buffer.concat(
            pieces.map((p) =>
              'data' in p ? p.data : Buffer.concat([MARKER, Buffer.from(`${p.kind}${p.value}\n`)]),
            ),
          );
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const got: Array<{ data: Buffer } | { kind: string; value: string }> = [];
          const scanner = new FrameScanner(
            MARKER,
            (b) => got.push({ data: Buffer.from(b) }),
            (kind, value) => got.push({ kind, value }),
          );
          let from = 0;
          for (const p of [...points, stream.length]) {
            scanner.push(stream.subarray(from, p));
            from = p;
          }
          // adjacent output pieces may arrive in other slices: compare the output between reports
          const normal = (list: typeof got) => {
            const out: Array<string> = [];
            let data = '';
            for (const g of list) {
              if ('data' in g) data += g.data.toString('hex');
              else {
                out.push(`data:${data}`, `${g.kind}:${g.value}`);
                data = '';
              }
            }
            return [...out, `data:${data}`];
          };
          // output at the very end may be held back as a possible start of a marker
          const expected = normal(pieces);
          const actual = normal(got);
          expect(actual.slice(0, -1)).toEqual(expected.slice(0, -1));
          expect(expected.at(-1)!.startsWith(actual.at(-1)!)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('cell scripts', () => {
  it('quote any value so that bash gives it back verbatim', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((v) => !v.includes('\0')),
        (value) => {
          const echoed = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`]).toString();
          expect(echoed).toBe(Buffer.from(value).toString());
        },
      ),
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
    const script = new CellScript("/tmp/it's", ['/bin/echo', '`id`']).text(
      exportWords({ KMATRIX_BOOT: '$(reboot)' })!,
      7,
    );
    expect(script).toContain(`cd -- '/tmp/it'\\''s'`);
    expect(script).toContain(`export 'KMATRIX_BOOT=$(reboot)'`);
    expect(script).toContain(`exec -- '/bin/echo' '\`id\`'`);
    expect(script).toContain(`printf '%sS7 %s\\n' "$kmx_m" "$EPOCHREALTIME"`);
  });
});
