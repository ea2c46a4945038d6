import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { matrixJsonSchema } from '../../src/matrix/schema.js';

describe('the published JSON Schema', () => {
  it('matrices/matrix.schema.json is generated from the zod schema (regenerate with: npx kmatrix schema > matrices/matrix.schema.json)', () => {
    const published = JSON.parse(readFileSync(path.resolve(__dirname, '../../matrices/matrix.schema.json'), 'utf8'));
    expect(published).toEqual(matrixJsonSchema());
  });

  it('rejects unknown keys and lists the archs', () => {
    const s = matrixJsonSchema() as { additionalProperties: boolean; properties: { matrix: { properties: { arch: { items: { enum: string[] } } } } } };
    expect(s.additionalProperties).toBe(false);
    expect(s.properties.matrix.properties.arch.items.enum).toEqual(['i386', 'x86_64', 'arm', 'arm64', 'ppc64', 's390', 'loongarch', 'riscv64']);
  });
});
