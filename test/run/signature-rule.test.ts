import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { normaliseNoise, parseSignatureRule, signatureOf } from '../../src/run/signature-rule.js';

describe('normaliseNoise', () => {
  it('takes out numbers, hex, addresses, temp paths and timestamps; keeps the words', () => {
    expect(normaliseNoise('test returned 4 at counter 145')).toBe('test returned N at counter N');
    expect(normaliseNoise('fault at 0xffff8880 in pid 1234, hash 3e2fd29a5b3f0fb8')).toBe(
      'fault at ADDR in pid N, hash ADDR',
    );
    expect(normaliseNoise('cannot open /tmp/tmp.Xy12ab/out.img: No such file')).toBe(
      'cannot open PATH: No such file',
    );
    expect(normaliseNoise('2026-12-04T05:01:02.123Z check failed at 05:01:03')).toBe(
      'TIME check failed at TIME',
    );
    expect(normaliseNoise('deadline missed   by  3 ms, took 1.5s')).toBe('deadline missed by N ms, took Ns');
    expect(normaliseNoise('x86_64 cell v6.12 code:3 swapper/0')).toBe('x86_64 cell v6.12 code:N swapper/N');
  });
});

describe('signatureOf', () => {
  const log = 'booting\nsetup 17 done\nBUG: Bad page state in process swapper/0 pfn:2fe00\nreturned 4 at 9\n';
  it('names a failure by its kernel report line, else its last line without noise', () => {
    expect(signatureOf(log)).toBe('BUG: Bad page state in process swapper/N pfn:N');
    expect(signatureOf('step 1\nreturned 4 at counter 145\n[kmatrix] exit code 1 after 0.1s\n')).toBe(
      'returned N at counter N',
    );
    expect(signatureOf('')).toBeUndefined();
  });

  it('follows --signature any, first-line and a regular expression', () => {
    expect(signatureOf(log, parseSignatureRule('any'))).toBe('any failure');
    expect(signatureOf(log, parseSignatureRule('first-line'))).toBe('booting');
    expect(signatureOf(log, parseSignatureRule('returned (\\d+)'))).toBe('4');
    expect(signatureOf(log, parseSignatureRule('^setup'))).toBe('setup');
    expect(signatureOf(log, parseSignatureRule('nothing here'))).toBe('no line matches /nothing here/');
  });

  it('refuses a regular expression that does not compile', () => {
    expect(() => parseSignatureRule('(')).toThrow(UserError);
  });
});
