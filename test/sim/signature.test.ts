import { describe, expect, it } from 'vitest';
import { extractSignature, normaliseSignature } from '../../src/sim/index.js';

describe('normaliseSignature on real report lines from the seed threads', () => {
  it.each([
    [
      '[ 0.000000] BUG: Bad page state in process swapper pfn:377fe',
      'BUG: Bad page state in process swapper pfn:N',
    ],
    [
      '[ 1.538301] BUG: unable to handle kernel NULL pointer dereference at 00000000',
      'BUG: unable to handle kernel NULL pointer dereference at ADDR',
    ],
    ['[ 1.540010] EIP: dma_direct_alloc+0x22f/0x260', 'EIP: dma_direct_alloc'],
    [
      'INFO: task kmemleak:1027 blocked for more than 120 seconds.',
      'INFO: task kmemleak:N blocked for more than N seconds.',
    ],
    [
      'Unable to handle kernel paging request at virtual address fffffbfffe000030',
      'Unable to handle kernel paging request at virtual address ADDR',
    ],
    [
      'BUG: Unable to handle kernel data access on write at 0xc00c000100400038',
      'BUG: Unable to handle kernel data access on write at ADDR',
    ],
    [
      '<1>[   12.345678][  T123] watchdog: BUG: soft lockup - CPU#3 stuck for 22s! [tee:3334]',
      'watchdog: BUG: soft lockup - CPU#N stuck for Ns! [tee:N]',
    ],
    [
      'WARNING: CPU: 1 PID: 42 at mm/page_alloc.c:4567 __alloc_pages+0x1a/0x2b0 [zram]',
      'WARNING: CPU: N PID: N at mm/page_alloc.c:N __alloc_pages',
    ],
    [
      'kern  :alert : BUG: unable to handle page fault for address: ffffea0002ffffc8',
      'BUG: unable to handle page fault for address: ADDR',
    ],
  ])('%s', (line, want) => {
    expect(normaliseSignature(line)).toBe(want);
  });
});

describe('extractSignature', () => {
  it('takes the first report line and ignores ordinary lines', () => {
    const log = [
      '[    0.000000] Linux version 5.18.0-rc4-next-20220426 #27',
      '[    0.000000] Zone ranges:',
      '[  246.001000] INFO: task kmemleak:1027 blocked for more than 120 seconds.',
      '[  300.000000] Unable to handle kernel paging request at virtual address fffffbfffe000030',
    ].join('\n');
    expect(extractSignature(log)).toBe('INFO: task kmemleak:N blocked for more than N seconds.');
    expect(
      extractSignature('[ 0.1] Memory: 100K/200K available\n[ 0.2] Run /sbin/init as init process\n'),
    ).toBeUndefined();
  });

  it('finds the arm report line after the "cut here" marker and loongarch CPU prefixes', () => {
    expect(
      extractSignature(
        '8<--- cut here ---\nUnable to handle kernel paging request at virtual address efffff88\n',
      ),
    ).toBe('Unable to handle kernel paging request at virtual address ADDR');
    expect(
      extractSignature(
        'CPU 0 Unable to handle kernel paging request at virtual address 0000000000000008, ' +
          'era == 9000000000abc',
      ),
    ).toBe('CPU N Unable to handle kernel paging request at virtual address ADDR, era == ADDR');
  });
});
