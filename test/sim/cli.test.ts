/** `kmatrix sim` end to end: the real binary, exit codes 0/1/125/2. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const H = 'matrices/histories/linux-4.17-cma.yaml';

describe('kmatrix sim', () => {
  it('exits 1 with the Bad page report at the culprit and 0 after the revert', () => {
    const bad = runCli([
      'sim',
      '--arch',
      'i386',
      '--kconfig',
      'HIGHMEM=y,CMA=y',
      '--boot',
      'cma=4M',
      '--history',
      H,
      '--commit',
      'v4.17-rc1',
    ]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('BUG: Bad page state in process swapper  pfn:377fe');
    expect(bad.stdout).toContain('signature: BUG: Bad page state in process swapper pfn:N');
    const good = runCli([
      'sim',
      '--arch',
      'i386',
      '--kconfig',
      'HIGHMEM=y,CMA=y',
      '--boot',
      'cma=4M',
      '--history',
      H,
      '--commit',
      'v4.17',
    ]);
    expect(good.exitCode).toBe(0);
    expect(good.stdout).toContain('verdict: pass');
  });

  it('exits 125 on skip and prints --explain', () => {
    const r = runCli([
      'sim',
      '--arch',
      'x86_64',
      '--workload',
      'devdax',
      '--kconfig',
      'ZONE_DEVICE=n',
      '--machine',
      'memory=8G,nodes=2',
      '--explain',
    ]);
    expect(r.exitCode).toBe(125);
    expect(r.stdout).toContain('CONFIG_ZONE_DEVICE is not set');
    expect(r.stdout).toContain('node 1 Normal   pfn 140000-23ffff');
  });

  it('exits 2 with located errors for malformed boot parameters and bad flags', () => {
    const r = runCli(['sim', '--arch', 'x86_64', '--boot', 'quiet memmap=1G!']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--boot:1:7: memmap=1G!: malformed value');
    expect(r.stderr).not.toContain('    at ');
    expect(runCli(['sim', '--arch', 'vax']).exitCode).toBe(2);
    expect(runCli(['sim', '--arch', 'x86_64', '--machine', 'memory=lots']).exitCode).toBe(2);
    expect(runCli(['sim', '--arch', 'x86_64', '--history', H, '--commit', 'v9.9']).stderr).toContain(
      'unknown commit or tag "v9.9"',
    );
  });
});
