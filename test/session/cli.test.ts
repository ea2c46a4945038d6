/** What every command that runs cells shares through its session, end to end through the binary. */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const HISTORY = `name: h
commits:
  - { sha: a0000001, subject: "mm: base", tags: [v1] }
  - { sha: a0000002, subject: "mm: quiet", tags: [v2] }
  - sha: a0000003
    subject: "mm: break i386"
    tags: [v3]
    set:
      inject:
        - { when: { arch: i386 }, fail: "BUG: broken" }
`;

describe('the session', () => {
  it('gives bisect the cache folder KMATRIX_CACHE_DIR names, as run has', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'h.yaml'), HISTORY);
    writeFileSync(
      path.join(dir, 'm.yaml'),
      'name: m\nhistory: h.yaml\ncommits: [v1, v3]\nmatrix:\n  arch: [i386]\n',
    );
    const env = { KMATRIX_CACHE_DIR: 'shared-cache' };
    const r = runCli(['bisect', 'm.yaml', '--cell', 'arch=i386', '--good', 'v1', '--bad', 'v3'], {
      cwd: dir,
      env,
    });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^first bad commit: a0000003 \(v3\) mm: break i386$/m);
    expect(readdirSync(path.join(dir, 'shared-cache')).length).toBeGreaterThan(0);
    expect(existsSync(path.join(dir, '.kmatrix', 'cache'))).toBe(false);
  });

  it('lets Ctrl-C reach bisect-config: a second one kills the running program, exit 130', async () => {
    const dir = tempDir();
    const mark = path.join(dir, 'started');
    writeFileSync(
      path.join(dir, 'cell.sh'),
      `#!/bin/bash\ncase "$KMATRIX_BOOT" in *slow*) touch '${mark}'; sleep 60; exit 1;; esac\nexit 0\n`,
    );
    chmodSync(path.join(dir, 'cell.sh'), 0o755);
    writeFileSync(
      path.join(dir, 'm.yaml'),
      "name: c\nbackend: { command: [./cell.sh] }\nmatrix:\n  arch: [x86_64]\n  boot: ['', slow]\n",
    );
    const child = spawn(
      process.execPath,
      [BIN, 'bisect-config', 'm.yaml', '--good', 'boot=', '--bad', 'boot=slow'],
      {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    for (let i = 0; i < 200 && !existsSync(mark); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(mark)).toBe(true);
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    const started = Date.now();
    expect(await exited).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stderr).toMatch(/SIGINT again: killing running cells/);
    expect(stderr).toMatch(/interrupted: bisect-config has no result/);
  });
});
