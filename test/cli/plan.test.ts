import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, runCli } from '../helpers/cli.js';

interface PlanCell {
  id: string;
  arch: string;
  kconfig: Record<string, string>;
  resolved: Record<string, string>;
  boot: string;
  workload: string;
  commit: string;
  state: string;
  reason?: string;
  duplicateOf?: string;
}

function planJson(file: string) {
  const r = runCli(['plan', file, '--json']);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as {
    matrix: { name: string };
    cells: PlanCell[];
    summary: Record<string, number>;
  };
}

describe('kmatrix plan', () => {
  it("prints each cell's requested and resolved Kconfig and state, invalid and duplicate included", () => {
    const plan = planJson('test/fixtures/plan/states.yaml');
    expect(plan.matrix.name).toBe('plan-states');
    expect(plan.cells.map((c) => [c.id, c.state])).toEqual([
      ['arm.HIGHMEM-y.boot@HEAD', 'run'],
      ['arm.HIGHMEM-n.boot@HEAD', 'run'],
      ['x86_64.HIGHMEM-y.boot@HEAD', 'invalid'],
      ['x86_64.HIGHMEM-n.boot@HEAD', 'run'],
      ['arm64.boot@HEAD', 'run'],
      ['arm64.NUMA-y.boot@HEAD', 'duplicate'],
    ]);
    const invalid = plan.cells[2]!;
    expect(invalid.reason).toBe(
      'HIGHMEM=y requested but HIGHMEM depends on ARM || X86_32 && (HIGHMEM4G || HIGHMEM64G), ' +
        'and on x86_64 ARM=n, X86_32=n, HIGHMEM4G=n, HIGHMEM64G=n (resolved to n)',
    );
    expect(invalid.kconfig).toEqual({ HIGHMEM: 'y' });
    expect(invalid.resolved.HIGHMEM).toBe('n');
    expect(plan.cells[5]!.duplicateOf).toBe('arm64.boot@HEAD');
    expect(plan.cells[0]!.resolved).toMatchObject({ HIGHMEM: 'y', ARM: 'y', SPARSEMEM_VMEMMAP: 'n' });
    expect(plan.summary).toEqual({ total: 6, run: 4, invalid: 1, duplicate: 1 });
  });

  it('gives the same ids in the same order on every run', () => {
    const a = planJson('test/fixtures/plan/states.yaml').cells.map((c) => c.id);
    const b = planJson('test/fixtures/plan/states.yaml').cells.map((c) => c.id);
    expect(a).toEqual(b);
    expect(new Set(a).size).toBe(a.length);
  });

  it('follows Kconfig symbol renames along a history', () => {
    const plan = planJson('test/fixtures/plan/renamed.yaml');
    const [old, young] = plan.cells;
    expect(old!.state).toBe('invalid');
    expect(old!.reason).toMatch(
      new RegExp(
        [
          /^ARCH_WANT_OPTIMIZE_VMEMMAP does not exist at [0-9a-f]{12}: /.source,
          /it is called ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP there$/.source,
        ].join(''),
      ),
    );
    expect(young!.state).toBe('run');
    expect(young!.resolved.ARCH_WANT_OPTIMIZE_VMEMMAP).toBe('y');
  });

  it('prints a table and a summary line', () => {
    const r = runCli(['plan', 'test/fixtures/plan/states.yaml']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('x86_64.HIGHMEM-y.boot@HEAD');
    expect(r.stdout.trim().split('\n').at(-1)).toBe('plan-states: 6 cells: 4 to run, 1 invalid, 1 duplicate');
  });

  it('prints a GitHub Actions shard matrix', () => {
    const r = runCli(['plan', 'test/fixtures/plan/states.yaml', '--ci', 'github', '--shards', '3']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ shard: ['1/3', '2/3', '3/3'] });
  });

  it('prints the JSON Schema', () => {
    const r = runCli(['schema']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).properties.matrix.type).toBe('object');
  });
});

describe('a reader that closes the pipe early', () => {
  it('ends kmatrix quietly (`plan --json | head`): exit 0, no stack trace', () => {
    // head -c 100 reads 100 bytes and exits: the plan's later writes meet a closed pipe
    const r = spawnSync(
      'bash',
      [
        '-c',
        `node ${BIN} plan matrices/seeds.yaml --json | head -c 100 >/dev/null; echo "\${PIPESTATUS[0]}"`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0');
  });
});
