import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrixJsonSchema } from '../../src/matrix/schema.js';

describe('the published JSON Schema', () => {
  // regenerate with: npx kmatrix schema > matrices/matrix.schema.json
  it('matrices/matrix.schema.json is generated from the zod schema', () => {
    const published = JSON.parse(
      readFileSync(path.resolve(__dirname, '../../matrices/matrix.schema.json'), 'utf8'),
    );
    expect(published).toEqual(matrixJsonSchema());
  });

  it('rejects unknown keys and lists the archs', () => {
    const s = matrixJsonSchema() as {
      additionalProperties: boolean;
      properties: { matrix: { properties: { arch: { items: { enum: string[] } } } } };
    };
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.matrix.properties.arch.items.enum).toEqual([
      'i386',
      'x86_64',
      'arm',
      'arm64',
      'ppc64',
      's390',
      'loongarch',
      'riscv64',
    ]);
  });
});

describe('schema problems', () => {
  it('locate a mapping where an arch name goes, even one whose toString is not a function', async () => {
    const { loadMatrixText } = await import('../../src/matrix/load.js');
    const text = 'name: m\nmatrix:\n  arch:\n    - toString: []\n';
    await expect(loadMatrixText('m.yaml', text)).rejects.toThrowError(
      /^m\.yaml:4:7: matrix\.arch\[0\]: unknown arch/m,
    );
  });
});
