/**
 * A matrix whose Kconfig tree is its git history: each commit's Kconfig is read from git objects
 * (ls-tree, cat-file), never checked out. A small synthetic tree whose second commit changes a
 * default and adds a symbol; the cells' .configs must differ exactly there.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { planJson } from '../../src/cli/plan.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commit, newRepo, sh } from '../history/git-repo.js';

const kconfig = (fooDefault: string, extra = '') => `mainmenu "Tiny $(ARCH) tree"
config MODULES
\tbool "modules"
\tmodules
source "arch/$(SRCARCH)/Kconfig"
config FOO
\tbool "foo"
\tdefault ${fooDefault}
config BAR
\ttristate "bar"
\tdepends on FOO
config NAME
\tstring "name"
\tdefault "plain"
${extra}`;

const files = (fooDefault: string, extra = ''): Record<string, string> => ({
  Makefile: 'VERSION = 6\nPATCHLEVEL = 99\nSUBLEVEL = 0\nEXTRAVERSION = -test\n',
  Kconfig: kconfig(fooDefault, extra),
  'arch/x86/Kconfig': 'config X86\n\tdef_bool y\nconfig 64BIT\n\tdef_bool y\n',
  'arch/x86/configs/x86_64_defconfig': 'CONFIG_MODULES=y\n',
  'kernel/configs/bar.config': 'CONFIG_BAR=m\n',
});

async function repoWithTwoCommits(): Promise<{ repo: string; shas: string[] }> {
  const repo = await newRepo();
  mkdirSync(path.join(repo, 'arch/x86/configs'), { recursive: true });
  mkdirSync(path.join(repo, 'kernel/configs'), { recursive: true });
  const first = await commit(repo, 'FOO off by default', files('n'));
  const second = await commit(repo, 'FOO on, BAZ added', files('y', 'config BAZ\n\tbool "baz"\n'));
  // the work tree holds a third state: the matrix must read the commits, not the checkout
  writeFileSync(path.join(repo, 'Kconfig'), 'this is not Kconfig\n');
  return { repo, shas: [first, second] };
}

/** A cell of `plan --json`. */
type PlanCell = ReturnType<typeof planJson>['cells'][number];

describe('a git history as the Kconfig tree', () => {
  it('reads each commit from git objects: two commits, two .configs', async () => {
    const { repo, shas } = await repoWithTwoCommits();
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'm.yaml'),
      `name: git-tree
history: {git: ${JSON.stringify(repo)}}
commits: [${shas.join(', ')}]
kconfig:
  fragments: [bar.config]
matrix:
  kconfig:
    NAME: [custom]
backend:
  command: [sh, -c, 'true']
`,
    );
    const env = { KMATRIX_CONFIG_DIR: path.join(dir, 'configs') };
    const r = runCli(['plan', 'm.yaml', '--json'], { cwd: dir, env });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const cells = (JSON.parse(r.stdout) as { cells: PlanCell[] }).cells;
    expect(cells.map((c) => [c.commit, c.state, c.resolved])).toEqual([
      [shas[0], 'run', { NAME: 'custom' }],
      [shas[1], 'run', { NAME: 'custom' }],
    ]);
    const [one, two] = cells.map((c) => readFileSync(c.configFile!, 'latin1'));
    const header = '#\n# Automatically generated file; DO NOT EDIT.\n# Tiny x86_64 tree\n#\n';
    // FOO=n leaves BAR (depends on FOO) unset although the fragment asks for m
    expect(one).toBe(
      `${header}CONFIG_MODULES=y\nCONFIG_X86=y\nCONFIG_64BIT=y\n# CONFIG_FOO is not set\n` +
        'CONFIG_NAME="custom"\n',
    );
    expect(two).toBe(
      `${header}CONFIG_MODULES=y\nCONFIG_X86=y\nCONFIG_64BIT=y\nCONFIG_FOO=y\nCONFIG_BAR=m\n` +
        'CONFIG_NAME="custom"\n# CONFIG_BAZ is not set\n',
    );
    expect(path.basename(cells[1]!.configFile!)).toBe(`${cells[1]!.configHash}.config`);

    // a stored .config cut short (a crash before the data reached the disk) is made again
    writeFileSync(cells[1]!.configFile!, 'CONFIG_');
    expect(runCli(['plan', 'm.yaml', '--json'], { cwd: dir, env }).exitCode).toBe(0);
    expect(readFileSync(cells[1]!.configFile!, 'latin1')).toBe(two);

    // kmatrix config prints the same bytes, the commit picked by the selector
    const printed = runCli(['config', 'm.yaml', '--cell', `commit=${shas[1]!.slice(0, 10)}`], {
      cwd: dir,
      env,
    });
    expect(printed.exitCode).toBe(0);
    expect(printed.stdout).toBe(two);
    // without the commit the selector names two different .configs
    const ambiguous = runCli(['config', 'm.yaml', '--cell', 'NAME=custom'], { cwd: dir, env });
    expect(ambiguous.exitCode).toBe(2);
    expect(ambiguous.stderr).toContain('matches 2 different .configs');
  });

  it('checks symbols at the commits: one only in the newer commit is invalid in the older', async () => {
    const { repo, shas } = await repoWithTwoCommits();
    await sh(repo, ['tag', 'v1', shas[0]!]);
    const dir = tempDir();
    const matrix = (sym: string) =>
      `name: git-tree\nhistory: {git: ${JSON.stringify(repo)}}\ncommits: [v1, ${shas[1]}]\nkconfig: {}\n` +
      `matrix:\n  kconfig:\n    ${sym}: [y]\nbackend:\n  command: [sh]\n`;
    const env = { KMATRIX_CONFIG_DIR: path.join(dir, 'configs') };
    writeFileSync(path.join(dir, 'm.yaml'), matrix('BAZ'));
    const r = runCli(['plan', 'm.yaml', '--json'], { cwd: dir, env });
    expect(r.exitCode).toBe(0);
    const cells = (JSON.parse(r.stdout) as { cells: PlanCell[] }).cells;
    expect(cells.map((c) => [c.state, c.reason])).toEqual([
      ['invalid', 'BAZ=y requested but BAZ is not defined in this tree'],
      ['run', undefined],
    ]);
    writeFileSync(path.join(dir, 'm.yaml'), matrix('BAZZ'));
    const typo = runCli(['plan', 'm.yaml'], { cwd: dir, env });
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toBe(
      'm.yaml:7:5: matrix.kconfig.BAZZ: unknown Kconfig symbol BAZZ (did you mean BAZ?)\n',
    );
  });

  it('bisects with each probe commit resolved on its own tree', async () => {
    const repo = await newRepo();
    mkdirSync(path.join(repo, 'arch/x86/configs'), { recursive: true });
    mkdirSync(path.join(repo, 'kernel/configs'), { recursive: true });
    const good = await commit(repo, 'FOO off', files('n'));
    await commit(repo, 'docs', { README: 'one\n' });
    const culprit = await commit(repo, 'FOO on', files('y'));
    const bad = await commit(repo, 'more docs', { README: 'two\n' });
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'm.yaml'),
      `name: git-bisect\nhistory: {git: ${JSON.stringify(repo)}}\ncommits: [${bad}]\nkconfig: {}\n` +
        'matrix:\n  kconfig:\n    NAME: [x]\nbackend:\n' +
        `  command: [sh, -c, '! grep -q "^CONFIG_FOO=y" "$KMATRIX_CONFIG_FILE"']\n`,
    );
    const env = { KMATRIX_CONFIG_DIR: path.join(dir, 'configs') };
    const r = runCli(
      ['bisect', 'm.yaml', '--cell', 'NAME=x', '--good', good, '--bad', bad, '--report-dir', 'out'],
      { cwd: dir, env },
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.exitCode).toBe(0);
    // with the bad end's .config at every probe, the docs commit after the good end would be blamed
    expect(r.stdout).toContain(`first bad commit: ${culprit.slice(0, 12)} FOO on`);
  });
});
