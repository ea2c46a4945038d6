import { describe, expect, it } from 'vitest';
import type { ProbeCell } from '../../src/bisect/driver.js';
import { bisectRegressions, findRegressions, groupRegressions } from '../../src/bisect/regressions.js';
import type { Cell } from '../../src/matrix/types.js';
import type { CellResult } from '../../src/report/schema.js';
import { BAD, fakeHistory } from './helpers.js';

const h = fakeHistory(100);
const OTHER = 'WARNING: CPU: 0 PID: 1 at mm/cma.c:123';

function cellAt(arch: Cell['arch'], boot: string, index: number): Cell {
  return {
    id: `${arch}-${boot || 'none'}-${index}`,
    arch,
    kconfig: {},
    resolved: {},
    boot,
    workload: 'boot',
    commit: h.commits[index]!.sha,
    commitLabel: `#${index}`,
    machine: { memory: 2 ** 30, nodes: 1 },
    state: 'run',
  };
}

/** i386 cells break at 42 with BAD, arm cells with cma=64M break at 70 with OTHER. */
function verdict(cell: Cell, index: number): Pick<CellResult, 'status' | 'signature' | 'durationMs'> {
  if (cell.arch === 'i386' && index >= 42)
    return { status: 'fail', signature: BAD, durationMs: cell.boot ? 50 : 10 };
  if (cell.arch === 'arm' && cell.boot && index >= 70)
    return { status: 'fail', signature: OTHER, durationMs: 5 };
  return { status: 'pass', durationMs: 1 };
}

const cells = (['i386', 'arm', 'x86_64'] as const).flatMap((arch) =>
  ['', 'cma=64M'].flatMap((boot) => [0, 50, 99].map((i) => cellAt(arch, boot, i))),
);
const results = new Map(cells.map((c) => [c.id, verdict(c, h.index.get(c.commit)!)]));

describe('regressions', () => {
  it('finds pass-then-fail transitions between covered commits, per configuration', () => {
    const regs = findRegressions(cells, results, h);
    expect(regs.map((r) => [r.cell.id, r.good, r.bad, r.signature])).toEqual([
      ['i386-cma=64M-50', 0, 50, BAD],
      ['i386-none-50', 0, 50, BAD],
      ['arm-cma=64M-99', 50, 99, OTHER],
    ]);
    const groups = groupRegressions(regs);
    expect(groups.map((g) => g.map((r) => r.cell.id))).toEqual([
      ['i386-none-50', 'i386-cma=64M-50'],
      ['arm-cma=64M-99'],
    ]);
  });

  it('bisects each group once on its cheapest cell and confirms the culprit on the others', async () => {
    const bisected: string[] = [];
    const run = async (probes: ProbeCell[]) =>
      probes.map((p) => {
        bisected.push(p.cell.id.split('@')[0]!);
        return { id: p.cell.id, ...verdict(p.cell, h.index.get(p.cell.commit)!) };
      });
    const { groups, reports } = await bisectRegressions(findRegressions(cells, results, h), {
      history: h,
      jobs: 2,
      run,
    });
    expect(groups).toEqual([
      {
        signature: BAD,
        cells: ['i386-none-50', 'i386-cma=64M-50'],
        culprit: { sha: h.commits[42]!.sha, subject: 'commit 42' },
        candidates: [h.commits[42]!.sha],
        confirmedOn: ['i386-none-50', 'i386-cma=64M-50'],
      },
      {
        signature: OTHER,
        cells: ['arm-cma=64M-99'],
        culprit: { sha: h.commits[70]!.sha, subject: 'commit 70' },
        candidates: [h.commits[70]!.sha],
        confirmedOn: ['arm-cma=64M-99'],
      },
    ]);
    expect(reports).toHaveLength(2);
    // the more expensive i386 cell was only run for the confirmation (2 runs)
    expect(bisected.filter((id) => id === 'i386-cma=64M-50')).toHaveLength(2);
  });
});
