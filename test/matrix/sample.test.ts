import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { loadMatrixText } from '../../src/matrix/load.js';
import { buildPlan, type PlanOptions } from '../../src/matrix/plan.js';
import { validRows } from '../../src/matrix/sample.js';
import type { Cell } from '../../src/matrix/types.js';

const planOf = async (text: string, opts: PlanOptions = {}, file = 'm.yaml') =>
  buildPlan(await loadMatrixText(file, text), opts);

const WIDE = 'matrices/seeds-wide.yaml';
/** matrices/seeds-wide.yaml at two of its commits (6,400 cells instead of 32,000: test time). */
const wide = (opts: PlanOptions) =>
  planOf(readFileSync(WIDE, 'utf8').replace(/^commits: .*$/m, 'commits: [v4.14, v6.4-rc1]'), opts, WIDE);

/** A cell's configuration: its value on each sampled axis, read back from the cell itself. */
function valueOf(c: Cell, axis: string): string {
  if (axis.startsWith('kconfig.')) return c.kconfig[axis.slice('kconfig.'.length)] ?? '';
  if (axis === 'memory') return String(c.machine.memory);
  if (axis === 'nodes') return String(c.machine.nodes);
  return String(c[axis as 'arch' | 'boot' | 'workload']);
}

/** Every t-subset of 0..k-1. */
function subsets(k: number, t: number): number[][] {
  if (t === 0) return [[]];
  if (k < t) return [];
  return [...subsets(k - 1, t), ...subsets(k - 1, t - 1).map((s) => [...s, k - 1])];
}

/** The t-tuples (axis subset and values, as text) the cells hold. */
function tuplesOf(cells: readonly Cell[], axes: readonly string[], t: number): Set<string> {
  const out = new Set<string>();
  const combos = subsets(axes.length, t);
  for (const c of cells) {
    const values = axes.map((a) => valueOf(c, a));
    for (const s of combos) out.add(s.map((a) => `${axes[a]}=${values[a]}`).join(' '));
  }
  return out;
}

const HIGHMEM = `name: m
matrix:
  arch: [arm, x86_64]
  kconfig:
    HIGHMEM: [y, n]
  workload: [boot]
`;

describe('sampling a plan: which cells count', () => {
  it('does not require a tuple only an invalid cell holds, and counts it as uncoverable', async () => {
    // x86_64 with HIGHMEM=y does not resolve: (x86_64, HIGHMEM=y) is held by no valid cell
    const plan = await planOf(HIGHMEM, { sample: { strength: 2 } });
    expect(plan.cells.map((c) => c.id).sort()).toEqual([
      'arm.HIGHMEM-n.boot@HEAD',
      'arm.HIGHMEM-y.boot@HEAD',
      'x86_64.HIGHMEM-n.boot@HEAD',
    ]);
    expect(plan.sample).toMatchObject({
      strength: 2,
      axes: ['arch', 'kconfig.HIGHMEM', 'workload'],
      fullCells: 4,
      fullToRun: 3,
      fullConfigurations: 3,
      configurations: 3,
      // 2-tuples: arch x HIGHMEM 4, arch x workload 2, HIGHMEM x workload 2; one of the 8 is invalid
      coverable: 7,
      covered: 7,
      uncoverable: 1,
    });
  });

  it('counts the full plan as planned: a kept duplicate whose first is left out adds nothing', async () => {
    // boot lines equal up to spacing are duplicates: each arch has one cell to run and one duplicate
    const text = 'name: m\nmatrix:\n  arch: [arm, x86_64]\n  boot: ["mem=1G", " mem=1G"]\n';
    const full = await planOf(text, { sample: false });
    expect(full.cells.map((c) => c.state).sort()).toEqual(['duplicate', 'duplicate', 'run', 'run']);
    // t=1 keeps one cell per arch and per boot line: one of them a duplicate whose first is gone
    const plan = await planOf(text, { sample: { strength: 1 } });
    expect(plan.cells.map((c) => c.state)).toEqual(['run', 'run']);
    expect(plan.sample).toMatchObject({ fullCells: 4, fullToRun: 2, cells: 2, toRun: 2 });
  });

  it('answers partial rows exactly: valid when some valid row agrees with them', () => {
    const instance = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 5 })
      .chain((levels) => {
        const row = fc.tuple(...levels.map((n) => fc.integer({ min: 0, max: n - 1 })));
        const partial = fc.tuple(...levels.map((n) => fc.option(fc.integer({ min: 0, max: n - 1 }))));
        return fc.tuple(fc.constant(levels), fc.array(row, { maxLength: 70 }), partial);
      });
    fc.assert(
      fc.property(instance, ([levels, rows, partial]) => {
        const p = partial.map((v) => v ?? undefined);
        const agrees = rows.some((r) => r.every((v, a) => p[a] === undefined || p[a] === v));
        expect(validRows(levels, rows)(p)).toBe(agrees);
      }),
      { numRuns: 300 },
    );
  });

  it('covers every t-tuple some valid cell of a real matrix holds (checked exhaustively)', async () => {
    const full = await wide({ sample: false });
    expect(full.cells).toHaveLength(6400);
    for (const t of [2, 3]) {
      const plan = await wide({ sample: { strength: t, seed: 7 } });
      const axes = plan.sample!.axes;
      const needed = tuplesOf(
        full.cells.filter((c) => c.state !== 'invalid'),
        axes,
        t,
      );
      const held = tuplesOf(
        plan.cells.filter((c) => c.state !== 'invalid'),
        axes,
        t,
      );
      expect([...needed].filter((x) => !held.has(x))).toEqual([]);
      const all = subsets(axes.length, t).reduce(
        (n, s) => n + s.reduce((m, a) => m * new Set(full.cells.map((c) => valueOf(c, axes[a]!))).size, 1),
        0,
      );
      expect(plan.sample).toMatchObject({ coverable: needed.size, covered: needed.size });
      expect(plan.sample!.uncoverable).toBe(all - needed.size);
      expect(plan.sample!.uncoverable).toBeGreaterThan(0);
      expect(plan.cells.length).toBeLessThan(full.cells.length / 10);
    }
  });

  it('keeps each kept configuration at every commit of the matrix', async () => {
    const plan = await wide({ sample: { strength: 2 } });
    const byConfig = new Map<string, number>();
    for (const c of plan.cells) {
      const key = c.id.split('@')[0]!;
      byConfig.set(key, (byConfig.get(key) ?? 0) + 1);
    }
    expect(new Set(byConfig.values())).toEqual(new Set([2]));
    expect(byConfig.size).toBe(plan.sample!.configurations);
  });
});

describe('sampling a plan: includes, seeds, errors', () => {
  it('always keeps the includes: a whole configuration named, and cells of their own', async () => {
    const text = `name: m
matrix:
  arch: [i386, x86_64, arm]
  kconfig:
    HIGHMEM: [y, n]
    CMA: [y, n]
  workload: [boot, dma-alloc]
include:
  - {arch: arm, kconfig: {HIGHMEM: n, CMA: y}, workload: dma-alloc}
  - {arch: arm64, workload: boot}
`;
    for (let seed = 0; seed < 8; seed++) {
      const plan = await planOf(text, { sample: { strength: 1, seed } });
      const ids = plan.cells.map((c) => c.id);
      expect(ids).toContain('arm.HIGHMEM-n.CMA-y.dma-alloc@HEAD');
      expect(ids).toContain('arm64.boot@HEAD');
      expect(plan.sample).toMatchObject({ required: 1, offGrid: 1 });
    }
  });

  it('runs a kept duplicate whose first cell the sample left out', async () => {
    // "" and " " are the same boot line: the second cell of each arch is a duplicate of the first
    const text = 'name: m\nmatrix:\n  arch: [i386, x86_64, arm]\n  boot: ["", " "]\n';
    expect((await planOf(text)).cells.filter((c) => c.state === 'duplicate')).toHaveLength(3);
    let promoted = 0;
    for (let seed = 0; seed < 8; seed++) {
      const plan = await planOf(text, { sample: { strength: 1, seed } });
      const kept = new Set(plan.cells.map((c) => c.id));
      for (const c of plan.cells) {
        if (c.state === 'duplicate') expect(kept.has(c.duplicateOf!)).toBe(true);
        else expect(c.duplicateOf).toBeUndefined();
        if (c.boot === ' ' && c.state === 'run') promoted++;
      }
      expect(plan.cells.filter((c) => c.state === 'run')).toHaveLength(plan.cells.length);
    }
    expect(promoted).toBeGreaterThan(0);
  });

  it('gives the same sample for the same seed, and the seed chooses it', async () => {
    const ids = async (seed: number) =>
      (await wide({ sample: { strength: 2, seed } })).cells.map((c) => c.id);
    const first = await ids(3);
    expect(await ids(3)).toEqual(first);
    const others = await Promise.all([0, 1, 2].map(ids));
    expect(others.some((o) => o.join() !== first.join())).toBe(true);
  });

  it('reads sample: from the matrix, and the flags override it', async () => {
    const text = `${HIGHMEM}sample: {strength: 1, seed: 4}\n`;
    expect((await planOf(text)).sample).toMatchObject({ strength: 1, seed: 4 });
    expect((await planOf(text, { sample: { seed: 9 } })).sample).toMatchObject({ strength: 1, seed: 9 });
    expect((await planOf(text, { sample: { strength: 2 } })).sample).toMatchObject({ strength: 2, seed: 4 });
    const whole = await planOf(text, { sample: false });
    expect(whole.sample).toBeUndefined();
    expect(whole.cells).toHaveLength(4);
  });

  it('refuses a strength above the number of sampled axes, located at sample.strength', async () => {
    const text = `${HIGHMEM}sample:\n  strength: 4\n`;
    const err = await planOf(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(
      'm.yaml:8:13: sample.strength: strength 4 is more than the 3 axes a sample is over ' +
        '(arch, kconfig.HIGHMEM, workload) ' +
        '(the commit axis is not sampled: every kept configuration runs at each commit)',
    );
    await expect(planOf(HIGHMEM, { sample: { strength: 5 } })).rejects.toThrow(
      /^--sample: strength 5 is more than the 3 axes/,
    );
    await expect(planOf(HIGHMEM, { sample: { seed: 1 } })).rejects.toThrow(
      '--sample-seed: the matrix has no sample: (give --sample t as well)',
    );
  });

  it('refuses strength 0, a negative seed and unknown keys, each located', async () => {
    const bad = async (sample: string) =>
      ((await planOf(`${HIGHMEM}sample: ${sample}\n`).catch((e: unknown) => e)) as Error).message;
    expect(await bad('{strength: 0}')).toBe('m.yaml:7:20: sample.strength: 0 is too small (minimum 1)');
    expect(await bad('{strength: 2, seed: -1}')).toMatch(/^m\.yaml:7:\d+: sample\.seed: /);
    expect(await bad('{strength: 2, sed: 1}')).toMatch(/^m\.yaml:7:\d+: sample\.sed: unknown key "sed"/);
    expect(await bad('{seed: 1}')).toMatch(/^m\.yaml:7:\d+: sample(\.strength)?: /);
    expect(await bad('3')).toMatch(/^m\.yaml:7:\d+: sample: /);
  });
});
