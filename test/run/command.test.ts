import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cellEnv } from '../../src/run/backends/cell-env.js';
import { CommandBackend, verdictOfExit } from '../../src/run/backends/command.js';
import type { Cell } from '../../src/matrix/types.js';
import type { Outcome } from '../../src/run/types.js';
import { tempDir } from '../helpers/temp.js';
import { CELL_SH, groupGone, makeCell } from './helpers.js';

const opened: CommandBackend[] = [];

function backend(mode: string, env: Record<string, string> = {}, outputCap?: number) {
  const b = new CommandBackend(
    { kind: 'command', command: [CELL_SH, mode], env, inputs: [] },
    { baseDir: tempDir(), killGraceMs: 300, ...(outputCap ? { outputCap } : {}) },
  );
  opened.push(b);
  return b;
}

async function runWith(b: CommandBackend, timeoutMs = 20_000, cell = makeCell()): Promise<Outcome> {
  const dir = tempDir();
  return b.run(cell, { signal: AbortSignal.timeout(timeoutMs), attempt: 0, logDir: join(dir, 'cell') });
}

describe('verdictOfExit (git bisect run semantics)', () => {
  it('maps exit statuses', () => {
    expect(verdictOfExit(0, null)).toBe('pass');
    expect(verdictOfExit(125, null)).toBe('skip');
    expect(verdictOfExit(1, null)).toBe('fail');
    expect(verdictOfExit(124, null)).toBe('fail');
    expect(verdictOfExit(126, null)).toBe('fail');
    expect(verdictOfExit(127, null)).toBe('fail');
    expect(verdictOfExit(128, null)).toBe('error');
    expect(verdictOfExit(255, null)).toBe('error');
    expect(verdictOfExit(null, 'SIGSEGV')).toBe('error');
  });
});

// every behaviour holds both through the spawner shell (the default) and with a plain spawn
describe.each([
  ['through the spawner', undefined],
  ['with KMATRIX_SPAWNER=0', '0'],
])('CommandBackend %s', (_label, spawner) => {
  const saved = process.env.KMATRIX_SPAWNER;
  beforeEach(() => {
    if (spawner === undefined) delete process.env.KMATRIX_SPAWNER;
    else process.env.KMATRIX_SPAWNER = spawner;
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
    if (saved === undefined) delete process.env.KMATRIX_SPAWNER;
    else process.env.KMATRIX_SPAWNER = saved;
  });

  it('passes on exit 0 and keeps the output in the log', async () => {
    const out = await runWith(backend('pass'));
    expect(out.verdict).toBe('pass');
    expect(out.signature).toBeUndefined();
    expect(out.log).toContain('all good');
    expect(out.log).toContain('[kmatrix] exit code 0');
  });

  it('fails on exit 1 with the normalised kernel report line as signature', async () => {
    const out = await runWith(backend('fail'));
    expect(out.verdict).toBe('fail');
    expect(out.signature).toMatch(/^BUG: Bad page state in process swapper/);
    expect(out.signature).not.toContain('1fe00');
  });

  it('takes the last output line as signature when no report line matches', async () => {
    const out = await runWith(backend('plainfail'));
    expect(out.verdict).toBe('fail');
    expect(out.signature).toBe('something went wrong here');
  });

  it('skips on exit 125', async () => {
    expect((await runWith(backend('skip'))).verdict).toBe('skip');
  });

  it('is an infrastructure error above 127 and on death by signal', async () => {
    const high = await runWith(backend('code:200'));
    expect(high.verdict).toBe('error');
    expect(high.signature).toBe('exit code 200');
    const segv = await runWith(backend('segv'));
    expect(segv.verdict).toBe('error');
    expect(segv.signature).toBe('killed by SIGSEGV');
  });

  it('is an error when the program cannot start', async () => {
    const b = new CommandBackend(
      { kind: 'command', command: ['./no-such-script.sh'], env: {}, inputs: [] },
      { baseDir: tempDir() },
    );
    const out = await runWith(b);
    expect(out.verdict).toBe('error');
    expect(out.signature).toMatch(/^cannot run .*no-such-script\.sh/);
  });

  it('kills a hanging command and its whole process group at the timeout', async () => {
    const pidFile = join(tempDir(), 'pid');
    const out = await runWith(backend('hang', { PID_FILE: pidFile }), 500);
    expect(out.verdict).toBe('timeout');
    expect(out.log).toContain('timed out');
    expect(await groupGone(pidFile)).toBe(true);
  });

  it('kills a grandchild that keeps stdout open when the command hangs on it', async () => {
    const pidFile = join(tempDir(), 'pid');
    const out = await runWith(backend('grandchild-hang', { PID_FILE: pidFile }), 500);
    expect(out.verdict).toBe('timeout');
    expect(await groupGone(pidFile)).toBe(true);
  });

  it('does not wait for a grandchild holding stdout after the command exits', async () => {
    const pidFile = join(tempDir(), 'pid');
    const out = await runWith(backend('grandchild-exit', { PID_FILE: pidFile }), 30_000);
    expect(out.verdict).toBe('pass');
    expect(out.log).toContain('left a grandchild');
    expect(await groupGone(pidFile)).toBe(true);
  });

  it('SIGKILLs a command that ignores SIGTERM', async () => {
    const pidFile = join(tempDir(), 'pid');
    const out = await runWith(backend('ignore-term', { PID_FILE: pidFile }), 400);
    expect(out.verdict).toBe('timeout');
    expect(await groupGone(pidFile)).toBe(true);
  });

  it('caps a flood of output, keeps head and tail, and marks it truncated', async () => {
    const out = await runWith(backend('flood', {}, 64 * 1024));
    expect(out.verdict).toBe('fail');
    expect(out.truncated).toBe(true);
    expect(out.log.length).toBeLessThan(64 * 1024 + 500);
    expect(out.log).toMatch(/output truncated, \d+ bytes omitted/);
    expect(out.signature).toBe('last words');
  });

  it('passes hostile values verbatim as environment, never through a shell', async () => {
    const marker = join(tempDir(), 'pwned');
    rmSync(marker, { force: true });
    const boot = `; touch ${marker}; $(touch ${marker}) \`touch ${marker}\` ../../etc`;
    const out = await runWith(
      backend('env'),
      20_000,
      makeCell({ boot, resolved: { CMA: 'y', HIGHMEM: 'n' } }),
    );
    expect(out.verdict).toBe('pass');
    expect(out.log).toContain(`BOOT=[${boot}]`);
    expect(out.log).toContain('KMATRIX_CONFIG_CMA=y');
    expect(out.log).toContain('KMATRIX_CONFIG_HIGHMEM=n');
    expect(out.log).toContain('KMATRIX_ARCH=x86_64');
    expect(out.log).toContain('KMATRIX_MEMORY=1073741824');
    expect(existsSync(marker)).toBe(false);
  });

  it('fingerprints argv, env and the content of declared inputs', () => {
    const dir = tempDir();
    const mk = (env: Record<string, string>) =>
      new CommandBackend(
        { kind: 'command', command: [CELL_SH, 'pass'], env, inputs: ['in.txt'] },
        { baseDir: dir },
      ).fingerprint();
    const a = mk({});
    expect(mk({})).toBe(a);
    expect(mk({ X: '1' })).not.toBe(a);
    writeFileSync(join(dir, 'in.txt'), 'v1');
    const b = mk({});
    expect(b).not.toBe(a);
    writeFileSync(join(dir, 'in.txt'), 'v2');
    expect(mk({})).not.toBe(b);
  });

  it('resolves a relative command against the matrix folder and fingerprints it relative to it', async () => {
    const fixtures = dirname(CELL_SH);
    const b = new CommandBackend(
      { kind: 'command', command: ['./cell.sh', 'pass'], env: {}, inputs: [] },
      { baseDir: fixtures },
    );
    expect((await runWith(b)).verdict).toBe('pass');
    const copy = tempDir();
    writeFileSync(join(copy, 'cell.sh'), readFileSync(CELL_SH));
    const moved = new CommandBackend(
      { kind: 'command', command: ['./cell.sh', 'pass'], env: {}, inputs: [] },
      { baseDir: copy },
    );
    expect(moved.fingerprint()).toBe(b.fingerprint());
    writeFileSync(join(copy, 'cell.sh'), `${readFileSync(CELL_SH, 'utf8')}\n# edited\n`);
    const edited = new CommandBackend(
      { kind: 'command', command: ['./cell.sh', 'pass'], env: {}, inputs: [] },
      { baseDir: copy },
    );
    expect(edited.fingerprint()).not.toBe(b.fingerprint());
  });

  it('runs many cells at once, each with its own verdict and only its own output', async () => {
    const b = new CommandBackend(
      { kind: 'command', command: [CELL_SH], env: {}, inputs: [] },
      { baseDir: tempDir(), killGraceMs: 300 },
    );
    opened.push(b);
    const modes = ['pass', 'fail', 'skip', 'code:200', 'env', 'plainfail'];
    const want = {
      pass: 'pass',
      fail: 'fail',
      skip: 'skip',
      'code:200': 'error',
      env: 'pass',
      plainfail: 'fail',
    } as const;
    const cells = Array.from({ length: 60 }, (_, i) =>
      makeCell({ id: `cell-${i}`, boot: `kmx=${modes[i % modes.length]} n=${i}` }),
    );
    const outs: Outcome[] = [];
    for (let i = 0; i < cells.length; i += 4)
      outs.push(...(await Promise.all(cells.slice(i, i + 4).map((c) => runWith(b, 20_000, c)))));
    outs.forEach((out, i) => {
      expect(out.verdict).toBe(want[modes[i % modes.length] as keyof typeof want]);
      expect(out.log).toContain(`cell cell-${i} mode`);
      expect(out.log.match(/cell cell-\d+ mode/g)).toHaveLength(1);
    });
  });

  it('gives every attempt of a cell its log folder, also right after an attempt left it empty', async () => {
    const b = new CommandBackend(
      {
        kind: 'command',
        command: [
          'bash',
          '-c',
          '[ "$KMATRIX_ATTEMPT" = 0 ] && exit 1; echo kept > "$KMATRIX_LOG_DIR/extra.txt"',
        ],
        env: {},
        inputs: [],
      },
      { baseDir: tempDir() },
    );
    opened.push(b);
    const logDir = join(tempDir(), 'cell');
    for (let round = 0; round < 20; round++) {
      rmSync(logDir, { recursive: true, force: true });
      const first = await b.run(makeCell(), { signal: AbortSignal.timeout(20_000), attempt: 0, logDir });
      expect(first.verdict).toBe('fail');
      const second = await b.run(makeCell(), { signal: AbortSignal.timeout(20_000), attempt: 1, logDir });
      expect(second.verdict).toBe('pass');
      expect(readFileSync(join(logDir, 'extra.txt'), 'utf8')).toBe('kept\n');
    }
  });

  it('gives each program exactly cellEnv, also to cells that share their Kconfig objects', async () => {
    const dir = tempDir();
    const b = new CommandBackend(
      { kind: 'command', command: ['/usr/bin/env'], env: {}, inputs: [] },
      { baseDir: dir },
    );
    opened.push(b);
    const kconfig = { CMA: 'y' } as Cell['kconfig'];
    const resolved = { CMA: 'y', HIGHMEM: 'n', 'ODD-name': 'm' } as Cell['resolved'];
    const cells = [
      makeCell({ id: 'one', kconfig, resolved }),
      makeCell({ id: 'two', workload: "it's", kconfig, resolved }),
    ];
    for (const [n, cell] of cells.entries()) {
      const logDir = join(dir, `cell-${n}`);
      const out = await b.run(cell, { signal: AbortSignal.timeout(20_000), attempt: n, logDir });
      const got = Object.fromEntries(
        out.log
          .split('\n')
          .filter((l) => l.startsWith('KMATRIX_'))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      // what kmatrix itself was started with (KMATRIX_SPAWNER here) is inherited, then the cell's own
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => k.startsWith('KMATRIX_')),
      );
      expect(got).toEqual({ ...inherited, ...cellEnv(cell, logDir, n) });
    }
  });

  it("gives the program BASH_ENV and SHELLOPTS from kmatrix's env without running them itself", async () => {
    const dir = tempDir();
    const startup = join(dir, 'startup.sh');
    writeFileSync(startup, 'exit 3\n');
    const b = new CommandBackend(
      { kind: 'command', command: ['/usr/bin/env'], env: { BASH_ENV: startup, ENV: startup }, inputs: [] },
      { baseDir: dir },
    );
    opened.push(b);
    const out = await runWith(b);
    expect(out.verdict).toBe('pass');
    expect(out.log).toContain(`BASH_ENV=${startup}`);
    expect(out.log).toContain(`ENV=${startup}`);
    const opts = new CommandBackend(
      { kind: 'command', command: ['/usr/bin/env'], env: { SHELLOPTS: 'errexit' }, inputs: [] },
      { baseDir: dir },
    );
    opened.push(opts);
    const withOpts = await runWith(opts);
    expect(withOpts.verdict).toBe('pass');
    expect(withOpts.log).toContain('SHELLOPTS=errexit');
  });

  it('makes the log folder (parents too) before the program, removes it only when left empty', async () => {
    const b = new CommandBackend(
      {
        kind: 'command',
        command: [
          'bash',
          '-c',
          '[ "$KMATRIX_WORKLOAD" = keep ] && echo kept > "$KMATRIX_LOG_DIR/extra.txt"; :',
        ],
        env: {},
        inputs: [],
      },
      { baseDir: tempDir() },
    );
    opened.push(b);
    const root = tempDir();
    const kept = join(root, 'missing', 'parents', 'kept');
    const empty = join(root, 'empty');
    for (const [logDir, workload] of [
      [kept, 'keep'],
      [empty, 'boot'],
    ] as const) {
      const ctx = { signal: AbortSignal.timeout(20_000), attempt: 0, logDir };
      expect((await b.run(makeCell({ workload }), ctx)).verdict).toBe('pass');
    }
    expect(readFileSync(join(kept, 'extra.txt'), 'utf8')).toBe('kept\n');
    // empty folders go in batches, the last at close
    await b.close();
    expect(existsSync(kept)).toBe(true);
    expect(existsSync(empty)).toBe(false);
  });

  it('reports a value the OS cannot pass (a NUL byte) as an error, not a crash', async () => {
    const b = backend('env');
    const logDir = join(tempDir(), 'cell');
    const cell = makeCell({ boot: 'mem=1G\0; touch /tmp/x' });
    const out = await b.run(cell, { signal: AbortSignal.timeout(20_000), attempt: 0, logDir });
    expect(out.verdict).toBe('error');
    expect(out.signature).toMatch(/^cannot run /);
    // nor does it leave its empty log folder behind
    await b.close();
    expect(existsSync(logDir)).toBe(false);
  });
});

describe('the spawner shell', () => {
  it('makes a cell whose shell is killed an error and gives the next cell a new shell', async () => {
    delete process.env.KMATRIX_SPAWNER;
    const dir = tempDir();
    const b = new CommandBackend(
      {
        kind: 'command',
        command: ['bash', '-c', 'if [ "$KMATRIX_BOOT" = die ]; then kill -KILL $PPID; sleep 5; fi; echo ok'],
        env: {},
        inputs: [],
      },
      { baseDir: dir },
    );
    try {
      const ctx = (n: string) => ({ signal: AbortSignal.timeout(20_000), attempt: 0, logDir: join(dir, n) });
      expect((await b.run(makeCell({ boot: 'live' }), ctx('a'))).verdict).toBe('pass');
      const dead = await b.run(makeCell({ boot: 'die' }), ctx('b'));
      expect(dead.verdict).toBe('error');
      expect(dead.signature).toMatch(/spawner shell exited/);
      const next = await b.run(makeCell({ boot: 'live' }), ctx('c'));
      expect(next.verdict).toBe('pass');
      expect(next.log).toContain('ok');
    } finally {
      await b.close();
    }
  });
});
