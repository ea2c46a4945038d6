/** Picking the cell to bisect: did-you-mean on axis names and values, and no --cell for one configuration. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectCell } from '../../src/bisect/select.js';
import { loadPlan } from '../../src/matrix/plan.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

/** One configuration (i386 HIGHMEM+CMA boot) over `commits`. */
function oneConfig(commits: string): string {
  const file = join(tempDir(), 'one.yaml');
  writeFileSync(
    file,
    'name: one\n' +
      `history: ${join(ROOT, 'matrices/histories/linux-4.17-cma.yaml')}\n` +
      `commits: [${commits}]\n` +
      'matrix:\n  arch: [i386]\n  kconfig:\n    HIGHMEM: [y]\n    CMA: [y]\n  boot: ["cma=4M"]\n' +
      '  workload: [boot]\nmachine: {memory: 2G}\n',
  );
  return file;
}

const seed = () => loadPlan(join(ROOT, 'matrices/seed-000-cma-highmem.yaml'));
const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('no error');
};

describe('selectCell', () => {
  it('suggests the axis or Kconfig symbol meant by a misspelt key', async () => {
    const { cells } = await seed();
    expect(message(() => selectCell(cells, 'archh=i386'))).toBe(
      '--cell: no axis or Kconfig symbol "archh" (did you mean arch?)',
    );
    expect(message(() => selectCell(cells, 'arch=i386,HIGMEM=y'))).toBe(
      '--cell: no axis or Kconfig symbol "HIGMEM" (did you mean HIGHMEM?)',
    );
    expect(message(() => selectCell(cells, 'kconfig.CAM=y'))).toBe(
      '--cell: no axis or Kconfig symbol "kconfig.CAM" (did you mean kconfig.CMA?)',
    );
  });

  it('suggests the value meant by a misspelt one', async () => {
    const { cells } = await seed();
    expect(message(() => selectCell(cells, 'arch=i368,HIGHMEM=y'))).toBe(
      '--cell: no cell has arch=i368 (did you mean arch=i386?)',
    );
    expect(message(() => selectCell(cells, 'arch=i386,workload=dma-aloc'))).toBe(
      '--cell: no cell has workload=dma-aloc (did you mean workload=dma-alloc?)',
    );
    expect(message(() => selectCell(cells, 'arch=s390'))).toBe(
      '--cell: no cell has arch=s390 (values: i386, arm)',
    );
  });

  it('still selects by a right selector, across commits', async () => {
    const { cells } = await seed();
    const c = selectCell(cells, 'arch=i386,HIGHMEM=y,CMA=y,workload=boot');
    expect([c.arch, c.kconfig, c.workload]).toEqual(['i386', { HIGHMEM: 'y', CMA: 'y' }, 'boot']);
  });

  it('needs no --cell for one runnable configuration, and says why it does for more', async () => {
    const { cells } = await seed();
    expect(message(() => selectCell(cells, undefined))).toMatch(
      /^--cell is needed: the matrix has 16 runnable configurations: /,
    );
    const one = await loadPlan(oneConfig('v4.16, v4.17'));
    expect(one.cells).toHaveLength(2);
    expect(selectCell(one.cells, undefined).id).toBe(one.cells[0]!.id);
  });
});

describe('kmatrix bisect --cell', () => {
  it('may be left out for a matrix of one configuration', () => {
    const file = oneConfig('v4.16, v4.17-rc5');
    const r = runCli(['bisect', file, '--good', 'v4.16', '--bad', 'v4.17-rc5', '--report-dir', 'out'], {
      cwd: tempDir(),
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('first bad commit: bad8c6c0b114');
  });

  it('a misspelt axis is a usage error with a did-you-mean', () => {
    const seedFile = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const r = runCli(['bisect', seedFile, '--cell', 'arch=i386,CAM=y', '--good', 'v4.16', '--bad', 'v4.17']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('--cell: no axis or Kconfig symbol "CAM" (did you mean CMA?)\n');
  });
});
