/**
 * Each seed regression, bisected on its shipped history and matrix the way `run --bisect`
 * does (`bisectPlanRegressions` through a session): run the matrix on the simulator, find the pass-then-fail
 * transitions, bisect each signature group once, confirm the culprit on the group's other
 * cells, and check it by revert.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bisectPlanRegressions } from '../../src/session/bisect-runs.js';
import { openSession } from '../../src/session/session.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

let dir: string;
beforeAll(async () => {
  dir = tempDir('kmatrix-seeds-');
});
async function bisectSeed(file: string) {
  const reportDir = path.join(dir, file);
  const session = await openSession(path.join(ROOT, 'matrices', file), { jobs: 3, cache: false, reportDir });
  const { groups, reports } = await (async () => {
    try {
      const matrix = await session.runCells(session.plan.cells);
      return await bisectPlanRegressions(session, matrix, { reportDir });
    } finally {
      await session.close();
    }
  })();
  expect(reports.map((r) => r.culprit?.sha)).toEqual(groups.map((g) => g.culprit?.sha));
  return groups.map((g) => ({
    signature: g.signature,
    culprit: g.culprit?.sha.slice(0, 12) ?? null,
    verified: g.verified,
    cells: g.cells.length,
    confirmed: g.confirmedOn?.length,
  }));
}

describe('seed regressions bisect to their culprits', () => {
  for (const [file, culprit, signature, cells] of [
    ['seed-000-cma-highmem.yaml', 'bad8c6c0b114', 'BUG: Bad page state in process swapper pfn:N', 2],
    ['seed-001-isolation.yaml', '81d1aaf395de', 'INFO: task kmemleak:N blocked for more than N seconds.', 2],
    ['seed-002-kpageflags.yaml', 'f7f99100d8d9', 'BUG: unable to handle kernel paging request at ADDR', 2],
    [
      'seed-003-cma-areas.yaml',
      'c999bd436fe9',
      'Unable to handle kernel paging request at virtual address ADDR',
      4,
    ],
    ['seed-004-devdax.yaml', '4917f55b4ef9', 'BUG: Unable to handle kernel data access on write at ADDR', 1],
  ] as const) {
    it(`${file} -> ${culprit}`, async () => {
      // one group per seed; its culprit is verified by revert and confirmed on every cell of the group
      expect(await bisectSeed(file)).toEqual([
        { signature, culprit, verified: true, cells, confirmed: cells },
      ]);
    }, 120_000);
  }
});

describe('the default matrix (five seeds on one mm timeline)', () => {
  it('bisects the five regression groups of matrices/seeds.yaml to the five seed culprits', async () => {
    const groups = await bisectSeed('seeds.yaml');
    expect(groups.map((g) => [g.signature, g.culprit, g.verified])).toEqual([
      ['BUG: Bad page state in process swapper pfn:N', 'bad8c6c0b114', true],
      ['BUG: Unable to handle kernel data access on write at ADDR', '4917f55b4ef9', true],
      ['BUG: unable to handle kernel paging request at ADDR', 'f7f99100d8d9', true],
      ['INFO: task kmemleak:N blocked for more than N seconds.', '81d1aaf395de', true],
      ['Unable to handle kernel paging request at virtual address ADDR', 'c999bd436fe9', true],
    ]);
    for (const g of groups) expect(g.confirmed).toBe(g.cells);
  }, 300_000);
});
