/**
 * A matrix over the real linux-source-6.12 tree, end to end through the CLI: any symbol of the
 * tree as an axis, each cell's .config byte for byte what the kernel's own `conf --olddefconfig`
 * writes for the same base, fragment and requests (merged by merge_config.sh), invalid cells with
 * the kernel's reason, duplicates by whole .config, `kmatrix config`, and KMATRIX_CONFIG_FILE.
 * Without linux-source-6.12 the suite fails under CI (which installs it) and skips locally.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelArch } from '../../src/kconfig/bases.js';
import type { planJson } from '../../src/cli/plan.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { available } from './arch-suite.js';
import { kernelTree, Oracle } from './oracle.js';

const slow = 15 * 60_000;

/** A cell of `plan --json`. */
type PlanCell = ReturnType<typeof planJson>['cells'][number];

/** A folder with the matrix and a config store whose shell memo is the oracle suite's (no probes). */
function workspace(matrix: string, arches: readonly string[]): { dir: string; env: Record<string, string> } {
  const dir = tempDir();
  const store = path.join(dir, 'configs');
  mkdirSync(store);
  for (const a of arches) {
    const memo = path.join(`${kernelTree()!}.oracle`, a, 'kmatrix-shell.json');
    if (existsSync(memo)) copyFileSync(memo, path.join(store, `shell-${a}.json`));
  }
  writeFileSync(path.join(dir, 'm.yaml'), matrix);
  return { dir, env: { KMATRIX_CONFIG_DIR: store } };
}

function plan(dir: string, env: Record<string, string>): PlanCell[] {
  const r = runCli(['plan', 'm.yaml', '--json'], { cwd: dir, env, timeoutMs: slow });
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return (JSON.parse(r.stdout) as { cells: PlanCell[] }).cells;
}

/** What the kernel writes: make <defconfig>, merge_config.sh -m with the fragments, olddefconfig. */
function kernelConfig(archName: string, fragments: readonly string[]): string {
  const oracle = new Oracle(kernelTree()!, archName).setup();
  const base = oracle.make(kernelArch(archName)!.defconfig);
  return oracle.conf('olddefconfig', oracle.merge(base, fragments));
}

/** The requests as a fragment, written by hand (not by kmatrix's code). */
const fragmentOf = (kconfig: Record<string, string>): string =>
  Object.entries(kconfig)
    .map(([s, v]) => (v === 'n' ? `# CONFIG_${s} is not set\n` : `CONFIG_${s}=${v}\n`))
    .join('');

const valueIn = (config: string, sym: string): string =>
  new RegExp(`^CONFIG_${sym}=(.*)$`, 'm').exec(config)?.[1] ?? 'n';

describe.skipIf(!available)('a matrix over linux-source-6.12', () => {
  const tree = available ? kernelTree() : null;
  const header = `name: real\nkconfig:\n  tree: ${JSON.stringify(tree)}\n`;

  it(
    'any symbol is an axis; every .config is byte-identical to conf --olddefconfig',
    { timeout: slow },
    () => {
      const { dir, env } = workspace(
        `${header}  fragments: [kvm_guest.config]
matrix:
  arch: [x86_64, arm]
  kconfig:
    KASAN: [y, n]
    SLUB_DEBUG: [y, n]
backend:
  command: [sh, -c, 'test "$(grep -c . "$KMATRIX_CONFIG_FILE")" -gt 100 && test "$KMATRIX_CONFIG_KASAN" = y']
`,
        ['x86_64', 'arm'],
      );
      const cells = plan(dir, env);
      expect(cells.map((c) => c.id)).toHaveLength(8);
      const kvmGuest = readFileSync(path.join(tree!, 'kernel/configs/kvm_guest.config'), 'latin1');
      for (const c of cells) {
        const expected = kernelConfig(c.arch, [kvmGuest, fragmentOf(c.kconfig)]);
        expect(readFileSync(c.configFile!, 'latin1'), c.id).toBe(expected);
        for (const sym of ['KASAN', 'SLUB_DEBUG']) expect(c.resolved[sym], c.id).toBe(valueIn(expected, sym));
        const holds = Object.entries(c.kconfig).every(([s, v]) => valueIn(expected, s) === v);
        expect(c.state, c.id).toBe(holds ? 'run' : 'invalid');
      }
      // KASAN (generic) selects SLUB_DEBUG on both arches; x86_64_defconfig leaves EXPERT off
      const invalid = cells.filter((c) => c.state === 'invalid').map((c) => [c.id, c.reason]);
      expect(invalid).toEqual([
        [
          'x86_64.KASAN-y.SLUB_DEBUG-n.boot@HEAD',
          'SLUB_DEBUG=n requested but SLUB_DEBUG is selected by KASAN_GENERIC',
        ],
        [
          'x86_64.KASAN-n.SLUB_DEBUG-n.boot@HEAD',
          'SLUB_DEBUG=n requested but the prompt of SLUB_DEBUG is hidden (EXPERT=n), so its default y holds',
        ],
        [
          'arm.KASAN-y.SLUB_DEBUG-n.boot@HEAD',
          'SLUB_DEBUG=n requested but SLUB_DEBUG is selected by KASAN_GENERIC',
        ],
      ]);
      // the backend sees the cell's .config: KASAN=y cells pass, KASAN=n cells fail
      const run = runCli(['run', 'm.yaml', '--report-dir', 'out', '--no-cache'], {
        cwd: dir,
        env,
        timeoutMs: slow,
      });
      expect(run.exitCode).toBe(1);
      const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as {
        cells: Array<{ kconfig: Record<string, string>; status: string }>;
      };
      expect(report.cells.map((c) => [c.kconfig.KASAN, c.status])).toEqual(
        cells.map((c) => [
          c.kconfig.KASAN,
          c.state === 'invalid' ? 'invalid' : c.kconfig.KASAN === 'y' ? 'pass' : 'fail',
        ]),
      );
      // kmatrix config prints a cell's .config
      const printed = runCli(['config', 'm.yaml', '--cell', 'arch=arm,KASAN=y,SLUB_DEBUG=n'], {
        cwd: dir,
        env,
      });
      expect(printed.exitCode).toBe(0);
      expect(printed.stdout).toBe(
        kernelConfig('arm', [kvmGuest, 'CONFIG_KASAN=y\n# CONFIG_SLUB_DEBUG is not set\n']),
      );
    },
  );

  it('marks invalid cells with the kernel reason and duplicate .configs', { timeout: slow }, () => {
    const { dir, env } = workspace(
      `${header}matrix:
  arch: [arm]
  kconfig:
    CMA: [n, y]
include:
  - {arch: x86_64, kconfig: {KASAN: y}}
  - {arch: x86_64, kconfig: {KASAN: y, 64BIT: y}}
backend:
  command: [sh]
`,
      ['x86_64', 'arm'],
    );
    const cells = plan(dir, env);
    expect(cells.map((c) => [c.id, c.state, c.reason ?? c.duplicateOf])).toEqual([
      [
        'arm.CMA-n.boot@HEAD',
        'invalid',
        'CMA=n requested but CMA is selected by DRM_ETNAVIV, DRM_ASPEED_GFX',
      ],
      ['arm.CMA-y.boot@HEAD', 'run', undefined],
      ['x86_64.KASAN-y.boot@HEAD', 'run', undefined],
      // 64BIT has no prompt on ARCH=x86_64 and is y anyway: the same .config
      ['x86_64.KASAN-y.64BIT-y.boot@HEAD', 'duplicate', 'x86_64.KASAN-y.boot@HEAD'],
    ]);
    // the invalid cell's .config is what the kernel makes of the request
    expect(readFileSync(cells[0]!.configFile!, 'latin1')).toBe(
      kernelConfig('arm', ['# CONFIG_CMA is not set\n']),
    );
    expect(cells[0]!.resolved).toEqual({ CMA: 'y' });
  });

  it('refuses an unknown symbol, with did-you-mean against the tree', { timeout: slow }, () => {
    const { dir, env } = workspace(
      `${header}matrix:\n  kconfig:\n    KASN: [y]\nbackend:\n  command: [sh]\n`,
      [],
    );
    const r = runCli(['plan', 'm.yaml'], { cwd: dir, env, timeoutMs: slow });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'm.yaml:6:5: matrix.kconfig.KASN: unknown Kconfig symbol KASN (did you mean KASAN?)\n',
    );
  });
});
