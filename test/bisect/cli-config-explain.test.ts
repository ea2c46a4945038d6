/** `kmatrix bisect-config` and `kmatrix explain` end to end through the real binary. */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SIG = 'BUG: Bad page state in process swapper/N pfn:N';
let work: string;

beforeAll(async () => {
  work = tempDir('kmatrix-bisect-config-');
  await writeFile(
    path.join(work, 'h.yaml'),
    'name: cfg\ncommits:\n  - sha: b0000001\n    subject: "mm: base"\n    tags: [v1.0]\n' +
      '    set:\n      inject:\n' +
      '        - { when: { arch: i386, kconfig.HIGHMEM: y, kconfig.CMA: y }, ' +
      'fail: "BUG: Bad page state in process swapper/0 pfn:2fe00" }\n',
  );
  await writeFile(
    path.join(work, 'm.yaml'),
    'name: cfg\nhistory: h.yaml\ncommits: [v1.0]\nmatrix:\n  arch: [i386, arm]\n' +
      '  kconfig:\n    HIGHMEM: [y, n]\n    CMA: [y, n]\n  boot: ["", "cma=64M"]\n' +
      // x86's HIGHMEM has no prompt: "off" in its "High Memory Support" choice is NOHIGHMEM
      'include:\n  - {arch: i386, kconfig: {HIGHMEM: n, NOHIGHMEM: y}}\n',
  );
}, 120_000);

describe('kmatrix bisect-config', () => {
  it('finds the minimal failure-inducing difference among kconfig and boot parameters', async () => {
    const r = runCli(
      [
        'bisect-config',
        'm.yaml',
        '--good',
        'arch=i386,HIGHMEM=n,CMA=n,boot=',
        '--bad',
        'arch=i386,HIGHMEM=y,CMA=y,boot=cma=64M',
        '--report-dir',
        'cfg',
      ],
      { cwd: work },
    );
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    // one line each (a "\n" inside one progress line came out escaped)
    expect(`${r.stdout}${r.stderr}`).toMatch(/^bad: {2}i386\.HIGHMEM-y\.CMA-y\.cma-64M\.boot@b0000001 \(/m);
    // the bad cell takes x86's choice default (HIGHMEM4G): HIGHMEM=y goes with NOHIGHMEM=n
    expect(r.stdout).toContain(`fails only with CMA=y, HIGHMEM=y and NOHIGHMEM=n together: ${SIG}`);
    const out = JSON.parse(await readFile(path.join(work, 'cfg', 'bisect-config.json'), 'utf8'));
    expect(out.differences).toEqual(['CMA=y', 'HIGHMEM=y', 'NOHIGHMEM=n', 'boot cma=64M']);
    expect(out.minimal).toEqual(['CMA=y', 'HIGHMEM=y', 'NOHIGHMEM=n']);
    expect(out.signature).toBe(SIG);
  }, 60_000);

  it('refuses when the good cell does not pass', () => {
    const r = runCli(
      [
        'bisect-config',
        'm.yaml',
        '--good',
        'arch=i386,HIGHMEM=y,CMA=y,boot=',
        '--bad',
        'arch=i386,HIGHMEM=y,CMA=y,boot=cma=64M',
      ],
      { cwd: work },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /--good i386\.HIGHMEM-y\.CMA-y\.boot@b0000001 does not pass \(fail: BUG: Bad page state/,
    );
  }, 60_000);
});

describe('kmatrix explain', () => {
  it('explains each failure signature of a run by its smallest exact conjunction', () => {
    const run = runCli(['run', 'm.yaml', '--report-dir', 'run1'], { cwd: work });
    expect(run.exitCode).toBe(1);
    const r = runCli(['explain', 'run1'], { cwd: work });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      `${SIG} <= arch=i386 & kconfig.HIGHMEM=y & kconfig.CMA=y\n  2 failing cells, exactly these\n`,
    );
    const json = runCli(['explain', 'run1/report.json', '--json'], { cwd: work });
    expect(JSON.parse(json.stdout)).toEqual([
      {
        signature: SIG,
        conjunction: ['arch=i386', 'kconfig.HIGHMEM=y', 'kconfig.CMA=y'],
        exact: true,
        counterExamples: [],
        failing: 2,
      },
    ]);
  }, 60_000);

  it('rejects a missing report with exit 2', () => {
    const r = runCli(['explain', 'nope'], { cwd: work });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('nope: no such report folder or file\n');
  });
});
