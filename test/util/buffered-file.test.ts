import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BufferedFile } from '../../src/util/buffered-file.js';
import { tempDir } from '../helpers/temp.js';

describe('BufferedFile', () => {
  it('writes every append in order, any size and characters, and returns the UTF-8 length of each', () => {
    const dir = tempDir('kmatrix-buffered-');
    let n = 0;
    fc.assert(
      // small buffers: appends that fit, that need a flush first, and that are larger than the buffer
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }),
        fc.integer({ min: 8, max: 64 }),
        (pieces, size) => {
          const file = new BufferedFile(join(dir, `f${n++}`), size);
          file.open();
          const lengths = pieces.map((p) => file.append(p));
          file.close();
          expect(readFileSync(file.path)).toEqual(Buffer.from(pieces.join('')));
          expect(lengths).toEqual(pieces.map((p) => Buffer.byteLength(p)));
        },
      ),
    );
  });
});
