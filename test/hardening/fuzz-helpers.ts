/**
 * Shared pieces of the loader fuzzing: a corpus of the shipped matrices and (trimmed)
 * histories in a temp dir, text mutations, value generators that look like matrices, and the
 * one property every input must satisfy: it loads, or it is refused with located problems.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { UserError } from '../../src/errors.js';
import { loadMatrixText } from '../../src/matrix/load.js';
import { buildPlan } from '../../src/matrix/plan.js';
import { tempDir } from '../helpers/temp.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const LOCATED = /^\S+:\d+:\d+: /;

/** Cases per property; KMATRIX_FUZZ_SCALE=10 fuzzes ten times longer (locally, not in CI). */
export function runs(n: number): number {
  const scale = Number(process.env.KMATRIX_FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** Every line of the error is `file:line:col: ...`, one per problem, within the text. */
export function assertLocated(err: unknown, text: string): void {
  if (!(err instanceof UserError))
    throw new Error(`not a UserError: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (typeof err.problems === 'string') throw new Error(`UserError without location: ${err.problems}`);
  if (err.problems.length === 0) throw new Error('UserError with no problems');
  const lines = err.message.split('\n');
  if (lines.length !== err.problems.length)
    throw new Error(`${err.problems.length} problems but ${lines.length} lines:\n${err.message}`);
  const lineCount = text.split(/\r\n|\r|\n/).length + 1;
  for (const [i, line] of lines.entries()) {
    if (!LOCATED.test(line)) throw new Error(`not located: ${JSON.stringify(line)}`);
    const p = err.problems[i]!;
    if (!(p.line >= 1 && p.col >= 1 && Number.isInteger(p.line) && Number.isInteger(p.col)))
      throw new Error(`bad position in ${line}`);
    // a problem may point into the history file, which has its own lines
    if (!p.file.includes('histor') && p.line > lineCount)
      throw new Error(`line ${p.line} past the end (${lineCount}): ${line}`);
  }
}

/** Load and plan a matrix text in process; 'ok', or 'rejected' after checking the rejection. */
export async function loadOrRefuse(file: string, text: string): Promise<'ok' | 'rejected'> {
  try {
    buildPlan(await loadMatrixText(file, text), { maxCells: 2000 });
    return 'ok';
  } catch (err) {
    assertLocated(err, text);
    return 'rejected';
  }
}

/**
 * A temp copy of matrices/ whose histories keep only their interesting commits (tagged,
 * switching, renaming, or named by a matrix): parsing the full 500-commit histories ten
 * thousand times would make the suite slow, and mutating them is the history fuzzer's job.
 */
export function corpusDir(): { dir: string; matrices: string[]; histories: string[] } {
  const dir = tempDir('kmatrix-fuzz-');
  const src = path.join(ROOT, 'matrices');
  cpSync(path.join(src, 'qemu'), path.join(dir, 'qemu'), { recursive: true });
  // seeds-wide.yaml (the sampling example: 32,000 cells, 2 s to plan) is beyond the fuzzer's cell
  // limit and budget; the sampling tests load it
  const matrices = readdirSync(src).filter((f) => f.endsWith('.yaml') && f !== 'seeds-wide.yaml');
  for (const f of matrices) cpSync(path.join(src, f), path.join(dir, f));
  const allText = matrices.map((f) => readFileSync(path.join(src, f), 'utf8')).join('\n');
  mkdirSync(path.join(dir, 'histories'));
  const histories = readdirSync(path.join(src, 'histories')).filter((f) => f.endsWith('.yaml'));
  for (const f of histories) {
    const h = parse(readFileSync(path.join(src, 'histories', f), 'utf8')) as {
      commits: Array<Record<string, unknown>>;
    };
    h.commits = h.commits.filter(
      (c, i) =>
        i < 3 ||
        Object.keys(c).some((k) => !['sha', 'subject'].includes(k)) ||
        allText.includes(String(c.sha).slice(0, 12)),
    );
    writeFileSync(path.join(dir, 'histories', f), stringify(h));
  }
  return {
    dir,
    matrices: [...matrices, 'qemu/small.yaml', 'qemu/x86_64.yaml'],
    histories: histories.map((f) => path.join('histories', f)),
  };
}

/** Tokens that stress YAML and the checks behind it. */
const TOKENS = [
  ':',
  ': ',
  '-',
  '- ',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&a ',
  '*a',
  '*nope',
  '!!str ',
  '!!binary ',
  '!!map ',
  '!foo ',
  '"',
  "'",
  '\n',
  '\n  ',
  '  ',
  '#',
  '|',
  '>',
  '\t',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '<<: *a\n',
  '? ',
  '\0',
  '\\',
  'y',
  'n',
  'm',
  '~',
  'null',
  '0x1F',
  '1e999',
  '-1',
  '0',
  '..',
  'HEAD~3',
  'v4.14..',
  '$(id)',
  '; touch /tmp/x',
  '../../etc/passwd',
  '\u00ff',
  '\u2028',
  '\ufeff',
  'CONFIG_CMA',
  'vax',
  '0s',
  '99999999999999999999T',
];

export interface Mutation {
  kind: 'delete' | 'insert' | 'dupLine' | 'swapLines' | 'truncate' | 'indent';
  at: number;
  len: number;
  token: string;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'insert', 'insert', 'dupLine', 'swapLines', 'truncate', 'indent'),
  at: fc.nat(),
  len: fc.nat({ max: 40 }),
  token: fc.oneof(
    fc.constantFrom(...TOKENS),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'binary', maxLength: 4 }),
  ),
});

/** Apply mutations to a text; positions wrap around its length. */
export function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) {
    const at = m.at % (t.length + 1);
    const lines = t.split('\n');
    const li = m.at % lines.length;
    switch (m.kind) {
      case 'delete':
        t = t.slice(0, at) + t.slice(at + m.len);
        break;
      case 'insert':
        t = t.slice(0, at) + m.token + t.slice(at);
        break;
      case 'dupLine':
        lines.splice(li, 0, lines[li]!);
        t = lines.join('\n');
        break;
      case 'swapLines': {
        const lj = (li + 1 + m.len) % lines.length;
        [lines[li], lines[lj]] = [lines[lj]!, lines[li]!];
        t = lines.join('\n');
        break;
      }
      case 'truncate':
        t = t.slice(0, at);
        break;
      case 'indent':
        lines[li] =
          m.len % 2 ? lines[li]!.replace(/^ {1,2}/, '') : `${' '.repeat(1 + (m.len % 4))}${lines[li]}`;
        t = lines.join('\n');
        break;
    }
  }
  return t;
}

const interesting = fc.constantFrom<unknown>(
  'y',
  'n',
  'm',
  'Y',
  '',
  ' ',
  'i386',
  'x86_64',
  'arm64',
  'vax',
  'boot',
  'dma-alloc',
  'kpageflags',
  'nope',
  '8G',
  '512M',
  '0',
  '0s',
  '30s',
  '1e400',
  '0.0001ms',
  '99999999999999999999T',
  '99999999999999999999999h',
  'cma=64M',
  'memmap=1G!4G',
  'mem=',
  'movablecore=50%',
  'numa=fake=2',
  'cma=',
  'a\0b',
  'a\nb',
  '$(touch /tmp/pwned)',
  '`id`',
  '../../etc',
  '/etc/passwd',
  'HEAD',
  'HEAD~1',
  'HEAD~999',
  'v4.14',
  'v4.14..v5.10',
  'v5.10..v4.14',
  '..',
  '...',
  'fb1b45c4',
  -1,
  0,
  1,
  2,
  64,
  65,
  1.5,
  2 ** 53,
  1e300,
  true,
  false,
  null,
  [],
  {},
);
const value = fc.oneof(
  { weight: 3, arbitrary: interesting },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);
const list = (item: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: fc.array(item, { maxLength: 4 }) }, { weight: 1, arbitrary: value });
const symbol = fc.constantFrom(
  'HIGHMEM',
  'CMA',
  'NUMA',
  'ZONE_DEVICE',
  'SPARSEMEM_VMEMMAP',
  'BOGUS',
  'cma',
  'CONFIG_CMA',
  'A\nB',
  '',
);
const kconfigArb = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(symbol, list(fc.oneof(fc.constantFrom('y', 'n'), value)), { maxKeys: 3 }),
  },
  { weight: 1, arbitrary: value },
);
const entry = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        arch: value,
        kconfig: fc.oneof(fc.dictionary(symbol, value, { maxKeys: 2 }), value),
        boot: value,
        workload: value,
        memory: value,
        nodes: value,
        commit: value,
        typo: value,
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: value },
);

/** Values shaped like a matrix file, with hostile or wrong values in every slot. */
export const matrixLikeArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: fc.oneof(fc.constantFrom('fuzz', 'a b', '../x', '.hidden', ''), value),
    description: value,
    history: fc.oneof(
      fc.constantFrom(
        'histories/linux-4.17-cma.yaml',
        'histories/nope.yaml',
        'histories',
        '/proc/self/mem',
        '/dev/null',
        '',
      ),
      value,
    ),
    commits: list(value),
    matrix: fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record(
          {
            arch: list(value),
            kconfig: kconfigArb,
            boot: list(value),
            workload: list(value),
            memory: list(value),
            nodes: list(value),
            bogus: value,
          },
          { requiredKeys: [] },
        ),
      },
      { weight: 1, arbitrary: value },
    ),
    include: list(entry),
    exclude: list(entry),
    machine: fc.oneof(fc.record({ memory: value, nodes: value }, { requiredKeys: [] }), value),
    backend: fc.oneof(
      fc.constant('sim'),
      fc.record(
        {
          command: list(value),
          timeout: value,
          cwd: value,
          env: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), value, { maxKeys: 2 }), value),
          inputs: list(value),
        },
        { requiredKeys: ['command'] },
      ),
      value,
    ),
    jobs: value,
    timeout: value,
    retries: value,
    seed: value,
    sample: fc.oneof(
      fc.record(
        { strength: fc.oneof(fc.integer({ min: -1, max: 9 }), value), seed: value, bogus: value },
        { requiredKeys: [] },
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);

/** yaml.stringify of arbitrary values; undefined when the library cannot represent one. */
export function toYaml(v: unknown): string | undefined {
  try {
    return stringify(v);
  } catch {
    return undefined;
  }
}
