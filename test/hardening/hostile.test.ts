/**
 * Hostile values end to end: shell metacharacters, newlines, `$()`, backticks, `../`, 100 KB
 * strings and NUL in boot lines, argv and backend env reach the command only as argv/env,
 * verbatim; no cell id or log name leaves the report directory; alias bombs and 100 MB inputs
 * are refused at once with one located line.
 */
import {
  closeSync,
  existsSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLogRef } from '../../src/report/log-pack.js';
import { startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { commandMatrix, executions, filesBelow, readReport, STACK } from './helpers.js';

interface Dump {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

describe('hostile values reach a command only as argv and environment', () => {
  it('boot/argv/env: shell syntax, newlines, ../, 100 KB arrive verbatim; nothing runs/escapes', async () => {
    const dir = tempDir();
    const tag = randomUUID().slice(0, 8);
    const marker = `/tmp/pwned-${tag}`;
    const escape = `escape-${tag}`;
    const boots = [
      `; touch ${marker}`,
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `a\nb; touch ${marker}\n`,
      `../../../../../../../../tmp/${escape}`,
      `'"\\ && || > ${marker} < /etc/passwd | cat &`,
      `${'x'.repeat(100 * 1024)}/../../${escape}`,
      '--help -rf / \t *',
      'kmx=pass %s %n ${HOME} $PATH {{.}}',
      '\u202e\u2028x',
    ];
    const argv = [
      `$(touch ${marker})`,
      `; touch ${marker}`,
      '../../..',
      'a\nb',
      '',
      `--report-dir=/tmp/${escape}`,
    ];
    const hostileEnv = { HOSTILE_A: `$(touch ${marker})\n\`touch ${marker}\``, HOSTILE_B: '../'.repeat(50) };
    const file = commandMatrix(dir, boots, {
      command: [process.execPath, path.join(import.meta.dirname, 'fixtures', 'cell.mjs'), ...argv],
      env: { DUMP_DIR: path.join(dir, 'dump'), COUNT_FILE: path.join(dir, 'count'), ...hostileEnv },
    });
    const r = await startCli(['run', file, '--report-dir', 'out', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(0);
    expect(executions(dir)).toBe(boots.length);

    // each cell got its boot line byte for byte, the argv as given, the env as written
    const dumps = readdirSync(path.join(dir, 'dump')).map(
      (f) => JSON.parse(readFileSync(path.join(dir, 'dump', f), 'utf8')) as Dump,
    );
    expect(dumps.map((d) => d.env.KMATRIX_BOOT).sort()).toEqual([...boots].sort());
    for (const d of dumps) {
      expect(d.argv).toEqual(argv);
      expect(d.env).toMatchObject(hostileEnv);
      expect(d.env.KMATRIX_CONFIG_X86_64).toBe('y');
    }
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`/tmp/${escape}`)).toBe(false);

    // ids and log names are sanitised; every file the run wrote is inside the report directory
    const report = readReport(path.join(dir, 'out'));
    expect(report.cells.map((c) => c.status)).toEqual(boots.map(() => 'pass'));
    for (const c of report.cells) {
      expect(c.id).toMatch(/^[A-Za-z0-9._~@+,=-]+$/);
      expect(c.id.length).toBeLessThan(200);
      // its own file (a failing cell) or a range of the pack of passing cells (report/log-pack.ts)
      expect(c.log).toMatch(/^logs\/([A-Za-z0-9._,=+~@-]+\.log|passed\.log#\d+-\d+)$/);
      expect(c.log).not.toContain('..');
      expect(existsSync(path.join(dir, 'out', parseLogRef(c.log!).file))).toBe(true);
    }
    expect(new Set(report.cells.map((c) => c.log)).size).toBe(boots.length);
    expect(readdirSync(dir).sort()).toEqual(['.kmatrix', 'count', 'dump', 'm.yaml', 'out']);
    for (const f of filesBelow(path.join(dir, 'out'))) expect(f.startsWith('..')).toBe(false);
  }, 120_000);

  it('a NUL in a boot line, env value or argv is refused at load: located, exit 2, none runs', async () => {
    const dir = tempDir();
    for (const [what, boots, backend] of [
      ['boot', ['cma=64M\0; touch /tmp/x'], {}],
      ['env', ['kmx=pass'], { env: { A: 'x\0y', COUNT_FILE: path.join(dir, 'count') } }],
      ['argv', ['kmx=pass'], { command: [process.execPath, 'cell.mjs', 'a\0b'] }],
    ] as const) {
      const file = commandMatrix(dir, [...boots], backend);
      const r = await startCli(['run', file, '--report-dir', `out-${what}`], { cwd: dir });
      expect(r.exitCode, what).toBe(2);
      expect(r.stderr, what).toMatch(
        new RegExp(
          String.raw`^\S+\/m\.yaml:\d+:\d+: \S+: contains a NUL byte \("\\0"\), ` +
            String.raw`which cannot be passed to a program \(remove it\)$`,
        ),
      );
      expect(existsSync(path.join(dir, `out-${what}`)), what).toBe(false);
    }
    expect(executions(dir)).toBe(0);
  }, 60_000);

  it('keys and values with newlines give one problem per line', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'm.yaml'), 'name: x\nmatrix:\n  "a\\nb": [1]\n  workload: ["x\\ny"]\n');
    const r = await startCli(['plan', 'm.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'm.yaml:3:4: matrix.a\\nb: unknown key "a\\nb" ' +
        '(known keys: arch, kconfig, boot, workload, memory, nodes)',
      'm.yaml:4:15: matrix.workload[0]: invalid workload "x\\ny" ' +
        '(a workload name is letters, digits, ".", "_" or "-")',
      'm.yaml:4:15: matrix.workload[0]: unknown workload "x\\ny" ' +
        '(the simulator runs: boot, dma-alloc, kpageflags, hotplug, devdax)',
    ]);
  });
});

describe('inputs too big to take', () => {
  it('a billion-laughs alias bomb is refused with one located line', async () => {
    const dir = tempDir();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      levels.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    writeFileSync(path.join(dir, 'bomb.yaml'), `name: bomb\n${levels.join('\n')}\nmatrix:\n  boot: *i\n`);
    const r = await startCli(['plan', 'bomb.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'bomb.yaml:1:1: too many YAML alias expansions (an alias bomb?) (at most 1000 alias uses are allowed)',
    );
  });

  it('a 100 MB matrix and a 100 MB history are refused before they are read', async () => {
    const dir = tempDir();
    const big = path.join(dir, 'big.yaml');
    // sparse files: 100 MB to stat, nothing to write
    for (const f of [big, path.join(dir, 'hist.yaml')]) {
      const fd = openSync(f, 'w');
      ftruncateSync(fd, 100 * 1024 * 1024);
      closeSync(fd);
    }
    const r = await startCli(['plan', 'big.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'big.yaml:1:1: matrix file big.yaml is 104857600 bytes, larger than the 4194304 bytes allowed',
    );
    writeFileSync(path.join(dir, 'm.yaml'), 'name: h\nhistory: hist.yaml\nmatrix:\n  arch: [i386]\n');
    const h = await startCli(['run', 'm.yaml'], { cwd: dir });
    expect(h.exitCode).toBe(2);
    expect(h.stderr).toBe(
      'm.yaml:2:10: history: history file hist.yaml is 104857600 bytes, ' +
        'larger than the 4194304 bytes allowed',
    );
  });

  it('a 100 MB matrix of real text is refused too, and so is a device or a directory', async () => {
    const dir = tempDir();
    writeFileSync(
      path.join(dir, 'real.yaml'),
      `name: big\nmatrix:\n  boot:\n${'    - "cma=64M"\n'.repeat(6_300_000)}`,
    );
    const r = await startCli(['plan', 'real.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^real\.yaml:1:1: matrix file real\.yaml is 1008\d{5} bytes, larger than the 4194304 bytes allowed$/,
    );
    rmSync(path.join(dir, 'real.yaml'));
    for (const [arg, shown] of [
      ['/dev/zero', path.relative(dir, '/dev/zero')],
      ['.', '.'],
    ]) {
      const d = await startCli(['plan', arg], { cwd: dir });
      expect(d.exitCode, arg).toBe(2);
      expect(d.stderr, arg).toBe(`${arg}:1:1: matrix file ${shown} is not a file`);
    }
  });

  it('a matrix under the size limit expanding past the cell limit is refused with its count', async () => {
    const dir = tempDir();
    const boots = Array.from({ length: 120_000 }, (_, i) => `  - "cma=${i + 1}M"`).join('\n');
    writeFileSync(path.join(dir, 'wide.yaml'), `name: wide\nmatrix:\n  boot:\n${boots}\n`);
    const r = await startCli(['plan', 'wide.yaml'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe(
      'wide.yaml:2:1: matrix: matrix expands to 120000 cells, more than the limit of 100000 ' +
        '(narrow an axis, add excludes, or raise the limit with --max-cells)',
    );
  });
});
