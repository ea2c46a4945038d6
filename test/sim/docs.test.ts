import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SWITCHES, switchesSchema } from '../../src/sim/index.js';

describe('docs/simulator.md', () => {
  it('lists exactly the SWITCHES registry in its switch table', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/simulator.md', import.meta.url)), 'utf8');
    const rows = doc.split('\n').filter((l) => /^\| `\w+` \|/.test(l));
    const want = SWITCHES.map((s) => {
      const dflt = `\`${JSON.stringify(s.default)}\``;
      return `| \`${s.name}\` | ${s.commit.sha} | ${s.commit.subject} | ${s.effect} | ${dflt} |`;
    });
    expect(rows).toEqual(want);
  });
});

describe('switchesSchema', () => {
  it('accepts known switches and inject rules, rejects unknown names and bad values', () => {
    expect(
      switchesSchema.safeParse({
        cma_zone_movable: true,
        inject: [{ when: { arch: 'i386' }, fail: 'BUG: x', probability: 0.3 }],
      }).success,
    ).toBe(true);
    expect(switchesSchema.safeParse({ cma_zone_moveable: true }).success).toBe(false);
    expect(switchesSchema.safeParse({ vmemmap_no_zeroing: 'yes' }).success).toBe(false);
    expect(switchesSchema.safeParse({ inject: [{ fail: 'x', probability: 2 }] }).success).toBe(false);
  });
});
