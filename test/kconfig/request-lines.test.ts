/**
 * A cell's request is merged into the base line by line (the base parsed once per plan): the
 * lines conf reads must be exactly those of merge_config.sh's text merge, parsed, warnings and
 * their line numbers included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfigLines, mergeConfigs, parseConfigLines } from '../../src/kconfig/confdata.js';
import { Evaluation } from '../../src/kconfig/evaluate.js';
import { loadKconfig, memoryMacros, memorySource } from '../../src/kconfig/load.js';
import { mergeRequest } from '../../src/kconfig/request-lines.js';

const NAMES = ['A', 'AB', 'A_B', 'S', 'N'];
const { tree } = loadKconfig(
  memorySource({
    Kconfig:
      'config A\n\tbool "a"\nconfig AB\n\ttristate "ab"\nconfig A_B\n\tbool "a_b"\n' +
      'config S\n\tstring "s"\nconfig N\n\tint "n"\n',
  }),
  memoryMacros({}),
);

const value = fc.constantFrom('y', 'n', 'm', '"x y"', '7', 'bogus');
const line = fc.oneof(
  fc.tuple(fc.constantFrom(...NAMES, 'UNKNOWN'), value).map(([n, v]) => `CONFIG_${n}=${v}`),
  fc.constantFrom(...NAMES).map((n) => `# CONFIG_${n} is not set`),
  fc.constantFrom('', '# a comment', 'garbage', 'CONFIG_A', '# CONFIG_AB foo', 'x CONFIG_A_B=y'),
);
const text = (min: number) =>
  fc.tuple(fc.array(line, { minLength: min, maxLength: 12 }), fc.boolean()).map(([ls, nl]) => {
    const t = ls.join('\n');
    return nl && t ? `${t}\n` : t;
  });

/** The user values and warnings an evaluation gets from the lines. */
function read(lines: ReturnType<typeof parseConfigLines>) {
  const ev = new Evaluation(tree);
  const warnings = applyConfigLines(ev, lines);
  return { warnings, userTri: [...ev.userTri], userVal: [...ev.userVal], flags: [...ev.flags] };
}

describe('merging a request into a parsed base', () => {
  it('reads the same lines as parsing merge_config.sh text merge', () => {
    fc.assert(
      fc.property(text(0), text(1), (base, frag0) => {
        // a requests fragment always ends with a newline
        const frag = frag0.endsWith('\n') ? frag0 : `${frag0}\n`;
        const expected = parseConfigLines(tree.byName, mergeConfigs(base, [frag]));
        const got = mergeRequest(tree, base, frag).lines;
        expect(got).toEqual(expected);
        expect(read(got)).toEqual(read(expected));
      }),
      { numRuns: 2000 },
    );
  });
});
