/**
 * matrices/qemu/boot.sh, the command backend that boots a real kernel under QEMU.
 * First its own logic against a stand-in QEMU that replays a recorded console (fast, always
 * run); then real boots of the Debian kernel; then the small matrix through `kmatrix run`.
 * Real boots are skipped when QEMU or a kernel is missing, except on CI (CI=true), where the
 * missing packages fail the suite instead.
 */
import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLogTail } from '../../src/report/io.js';
import type { RunReport } from '../../src/report/schema.js';
import { ROOT, startCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';

const SCRIPT = join(ROOT, 'matrices/qemu/boot.sh');
const FIXTURES = join(ROOT, 'test/qemu/fixtures');
const FAKE_QEMU = join(FIXTURES, 'fake-qemu.sh');
/**
 * A real console: the Debian 6.1 kernel, 1 GiB, boot
 * "mem=768M memmap=128M!256M movablecore=256M numa=fake=2".
 */
const RECORDED = join(FIXTURES, 'console-1G-mem768M.log');
const RECORDED_BOOT = 'mem=768M memmap=128M!256M movablecore=256M numa=fake=2';

const onCI = process.env.CI === 'true';
const onPath = (cmd: string) =>
  (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, cmd)));
const kernels = existsSync('/boot') ? readdirSync('/boot').filter((f) => f.startsWith('vmlinuz-')) : [];
const missing = [
  ...(onPath('qemu-system-x86_64') ? [] : ['qemu-system-x86_64 (qemu-system-x86)']),
  ...(kernels.length > 0 ? [] : ['/boot/vmlinuz-* (linux-image-amd64)']),
  ...(onPath('busybox') || existsSync('/bin/busybox') ? [] : ['busybox (busybox-static)']),
];
/** Real boots run when everything is there, and on CI regardless (where they then fail). */
const skipBoots = missing.length > 0 && !onCI;

const GIB = 2 ** 30;

interface Run {
  code: number;
  stdout: string;
  lastLine: string;
}

async function bootScript(env: Record<string, string>): Promise<Run> {
  const r = await execa(SCRIPT, [], { env, reject: false, stdin: 'ignore' });
  const stdout = String(r.stdout);
  const lines = stdout.trimEnd().split('\n');
  return { code: r.exitCode ?? -1, stdout, lastLine: lines[lines.length - 1] ?? '' };
}

describe('boot.sh against a stand-in QEMU', () => {
  let dir: string;
  let base: Record<string, string>;

  beforeAll(() => {
    dir = tempDir('kmatrix-qemu-test-');
    const kernel = join(dir, 'bzImage');
    const busybox = join(dir, 'busybox');
    writeFileSync(kernel, 'not a kernel: the stand-in QEMU never reads it\n');
    writeFileSync(busybox, '#!/bin/sh\n');
    chmodSync(busybox, 0o755);
    writeFileSync(
      join(dir, '.config'),
      'CONFIG_NUMA=y\n# CONFIG_HIGHMEM is not set\nCONFIG_X86_PMEM_LEGACY=m\n',
    );
    base = {
      KMATRIX_CELL_ID: 'x86_64-test',
      KMATRIX_ARCH: 'x86_64',
      KMATRIX_WORKLOAD: 'boot',
      KMATRIX_COMMIT: 'none',
      KMATRIX_MEMORY: String(GIB),
      KMATRIX_NODES: '1',
      KMATRIX_KERNEL: kernel,
      KMATRIX_KERNEL_CONFIG: join(dir, '.config'),
      KMATRIX_BUSYBOX: busybox,
      KMATRIX_QEMU: FAKE_QEMU,
      KMATRIX_QEMU_ACCEL: 'tcg',
      KMATRIX_QEMU_CACHE: join(dir, 'cache'),
      FAKE_QEMU_CONSOLE: RECORDED,
    };
  });

  it('passes the recorded console of the cell it came from, one check per parameter', async () => {
    const r = await bootScript({ ...base, KMATRIX_BOOT: RECORDED_BOOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kmatrix-qemu: check ok: mem= caps MemTotal (598160 kB <= 786432 kB)');
    expect(r.stdout).toContain(
      'kmatrix-qemu: check ok: memmap=128M!256M: e820 persistent (type 12) range ' +
        '0x0000000010000000-0x0000000017ffffff covers 0x0000000010000000-0x0000000017ffffff',
    );
    expect(r.stdout).toContain('kmatrix-qemu: check ok: movablecore=256M created a Movable zone');
    expect(r.stdout).toContain('kmatrix-qemu: check ok: 2 NUMA node(s) in /sys/devices/system/node');
    // the workqueue text warning of CPU-less fake nodes is noted, not failed
    expect(r.stdout).toContain('note: kernel warning (not a WARN splat): WARNING: workqueue cpumask');
    expect(r.lastLine).toBe(`PASS: bzImage booted with "${RECORDED_BOOT}"`);
  });

  it('fails a MemTotal above the mem= cap, naming both sizes', async () => {
    const r = await bootScript({ ...base, KMATRIX_BOOT: 'mem=512M movablecore=256M numa=fake=2' });
    expect(r.code).toBe(1);
    expect(r.lastLine).toBe('FAIL: MemTotal 598160 kB exceeds mem= cap of 524288 kB');
  });

  it('fails a memmap=nn!ss range that dmesg does not show as persistent memory', async () => {
    const r = await bootScript({ ...base, KMATRIX_BOOT: 'memmap=128M!512M numa=fake=2' });
    expect(r.code).toBe(1);
    expect(r.lastLine).toBe(
      'FAIL: memmap=128M!512M: no e820 persistent (type 12) range covers ' +
        '0x0000000020000000-0x0000000027ffffff in dmesg',
    );
  });

  it('fails a node count other than numa=fake=N', async () => {
    const r = await bootScript({ ...base, KMATRIX_BOOT: 'numa=fake=4' });
    expect(r.code).toBe(1);
    expect(r.lastLine).toBe('FAIL: 2 NUMA node(s) in /sys/devices/system/node, numa=fake=4 expects 4');
  });

  /** The recorded console with `edit` applied, as the stand-in QEMU's console. */
  function console(edit: (text: string) => string): string {
    const file = join(dir, `console-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(file, edit(readFileSync(RECORDED, 'utf8')));
    return file;
  }

  it('merges adjacent e820 persistent entries before checking a memmap=nn!ss range', async () => {
    // the kernel may print one memmap= range as two adjacent entries
    const split = console((t) =>
      t.replaceAll(
        '[mem 0x0000000010000000-0x0000000017ffffff] persistent (type 12)',
        '[mem 0x0000000010000000-0x0000000013ffffff] persistent (type 12)\n' +
          '[    0.000000] user: [mem 0x0000000014000000-0x0000000017ffffff] persistent (type 12)',
      ),
    );
    const r = await bootScript({ ...base, KMATRIX_BOOT: RECORDED_BOOT, FAKE_QEMU_CONSOLE: split });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain(
      'check ok: memmap=128M!256M: e820 persistent (type 12) range ' +
        '0x0000000010000000-0x0000000017ffffff covers',
    );
  });

  it('checks hugepages=, init_on_alloc=, init_on_free= and cma= against what the kernel did', async () => {
    // the recorded kernel has no huge pages, heap alloc:on, heap free:off and no CmaTotal line
    const verdicts = [
      ['hugepages=16', 'FAIL: hugepages=16: HugePages_Total is 0 in /proc/meminfo'],
      ['init_on_free=1', "FAIL: init_on_free asks for heap free:on, the kernel says 'mem auto-init: "],
      ['init_on_alloc=0', "FAIL: init_on_alloc asks for heap alloc:off, the kernel says 'mem auto-init: "],
      ['cma=64M', 'FAIL: cma=64M: CmaTotal is missing kB in /proc/meminfo, not 65536'],
    ] as const;
    for (const [param, verdict] of verdicts) {
      const r = await bootScript({ ...base, KMATRIX_BOOT: `numa=fake=2 ${param}` });
      expect(r.code, r.stdout).toBe(1);
      expect(r.lastLine.startsWith(verdict), r.lastLine).toBe(true);
    }
    const ok = await bootScript({ ...base, KMATRIX_BOOT: 'numa=fake=2 init_on_alloc=on init_on_free=off' });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('check ok: init_on_alloc: heap alloc:on');
    expect(ok.stdout).toContain('check ok: init_on_free: heap free:off');
  });

  it('skips a parameter the kernel ignored for want of a CONFIG_, fails one it does not know', async () => {
    const unknown = (words: string) =>
      console((t) =>
        t.replace(
          /^(.*Kernel command line:.*)$/m,
          `$1\n[    0.000000] Unknown kernel command line parameters "${words}", ` +
            'will be passed to user space.',
        ),
      );
    const config = join(dir, 'config-no-cma');
    writeFileSync(
      config,
      'CONFIG_NUMA=y\n# CONFIG_CMA is not set\nCONFIG_HUGETLBFS=y\nCONFIG_HUGETLB_PAGE=y\n',
    );
    const skipped = await bootScript({
      ...base,
      KMATRIX_BOOT: 'numa=fake=2 cma=64M',
      KMATRIX_KERNEL_CONFIG: config,
      FAKE_QEMU_CONSOLE: unknown('cma=64M'),
    });
    expect(skipped.code, skipped.stdout).toBe(125);
    expect(skipped.lastLine).toBe(`SKIP: cma=64M: the kernel ignored it: CONFIG_CMA is not set in ${config}`);
    const typo = await bootScript({
      ...base,
      KMATRIX_BOOT: 'numa=fake=2 hugepagez=2M',
      KMATRIX_KERNEL_CONFIG: config,
      FAKE_QEMU_CONSOLE: unknown('hugepagez=2M'),
    });
    expect(typo.code, typo.stdout).toBe(1);
    expect(typo.lastLine).toBe(
      'FAIL: the kernel does not know hugepagez=2M (it reported it unknown and passed it to user space)',
    );
  });

  it('removes a cell folder left by a cell killed outright, once its pid is gone', async () => {
    const tmp = tempDir('kmatrix-qemu-tmp-');
    const dead = spawnSync('true').pid!;
    const left = join(tmp, `kmatrix-qemu-cell.${dead}.abcdef`);
    mkdirSync(left);
    const live = join(tmp, `kmatrix-qemu-cell.${process.pid}.ghijkl`);
    mkdirSync(live);
    const r = await bootScript({ ...base, KMATRIX_BOOT: 'numa=fake=2', TMPDIR: tmp });
    expect(r.code, r.stdout).toBe(0);
    expect(existsSync(left)).toBe(false);
    expect(existsSync(live)).toBe(true);
    // and its own folder is gone at the end
    expect(readdirSync(tmp).filter((f) => f.startsWith('kmatrix-qemu-cell.'))).toEqual([
      `kmatrix-qemu-cell.${process.pid}.ghijkl`,
    ]);
  });

  it('removes its cell folder when interrupted twice (a Ctrl-C while it stops)', async () => {
    const tmp = tempDir('kmatrix-qemu-int-');
    const argv = join(tmp, 'argv');
    const child = execa(SCRIPT, [], {
      env: { ...base, KMATRIX_BOOT: 'numa=fake=2', TMPDIR: tmp, FAKE_QEMU_SLEEP: '30', FAKE_QEMU_ARGV: argv },
      reject: false,
      stdin: 'ignore',
    });
    const cells = () => readdirSync(tmp).filter((f) => f.startsWith('kmatrix-qemu-cell.'));
    // QEMU (the stand-in) is running once it has written its argv
    for (let i = 0; i < 400 && !existsSync(argv); i++) await new Promise((r) => setTimeout(r, 25));
    expect(cells()).toHaveLength(1);
    child.kill('SIGINT');
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(143);
    expect(String(r.stdout)).toContain('kmatrix-qemu: interrupted');
    expect(cells()).toEqual([]);
  });

  it('hands a hostile boot value to QEMU as one -append argument and runs none of it', async () => {
    const argvFile = join(dir, 'argv');
    const pwned = join(dir, 'pwned');
    const hostile = `numa=fake=2 "; touch ${pwned}; $(touch ${pwned}) \`touch ${pwned}\``;
    const r = await bootScript({ ...base, KMATRIX_BOOT: hostile, FAKE_QEMU_ARGV: argvFile });
    const argv = readFileSync(argvFile, 'utf8').split('\0').slice(0, -1);
    expect(argv[argv.indexOf('-append') + 1]).toBe(`console=ttyS0 panic=-1 ${hostile}`);
    expect(existsSync(pwned)).toBe(false);
    expect(r.code).toBe(0);
  });

  it('kills a QEMU that outlives its guard and fails the cell', async () => {
    const r = await bootScript({
      ...base,
      KMATRIX_QEMU_TIMEOUT: '1',
      FAKE_QEMU_CONSOLE: '',
      FAKE_QEMU_SLEEP: '60',
    });
    expect(r.code).toBe(1);
    expect(r.lastLine).toBe('FAIL: no result within 1s: the guest hung and QEMU was killed');
  });

  it('reports QEMU failing before the kernel starts as an infrastructure error (exit 255)', async () => {
    const r = await bootScript({
      ...base,
      FAKE_QEMU_CONSOLE: '',
      FAKE_QEMU_EXIT: '1',
      FAKE_QEMU_STDERR: 'qemu: could not load kernel',
    });
    expect(r.code).toBe(255);
    expect(r.lastLine).toBe(
      'ERROR: QEMU exited with status 1 before the kernel started: qemu: could not load kernel',
    );
  });

  it('gives 4 QEMU NUMA nodes their own memory backends, cpu 0 on node 0', async () => {
    const argvFile = join(dir, 'argv-numa');
    await bootScript({
      ...base,
      KMATRIX_MEMORY: String(2 * GIB),
      KMATRIX_NODES: '4',
      KMATRIX_BOOT: '',
      FAKE_QEMU_ARGV: argvFile,
    });
    const argv = readFileSync(argvFile, 'utf8').split('\0').slice(0, -1);
    expect(argv.filter((_, i) => argv[i - 1] === '-numa')).toEqual([
      'node,nodeid=0,memdev=mem0,cpus=0',
      'node,nodeid=1,memdev=mem1',
      'node,nodeid=2,memdev=mem2',
      'node,nodeid=3,memdev=mem3',
    ]);
    expect(argv.filter((_, i) => argv[i - 1] === '-object')[3]).toBe('memory-backend-ram,id=mem3,size=512M');
    expect(argv[argv.indexOf('-m') + 1]).toBe('2048M');
  });

  it.each([
    [
      { KMATRIX_ARCH: 'arm64' },
      'SKIP: arch arm64: this script boots x86_64 kernels only (qemu-system-x86_64)',
    ],
    [
      { KMATRIX_WORKLOAD: 'devdax' },
      'SKIP: workload devdax needs the nd_pmem/dax modules and ndctl, ' +
        'which the busybox initramfs does not have',
    ],
    [
      { KMATRIX_KERNEL: '/nonexistent/bzImage' },
      'SKIP: kernel /nonexistent/bzImage is missing or unreadable',
    ],
    [
      { KMATRIX_KCONFIG: 'NUMA=y HIGHMEM=y' },
      'SKIP: HIGHMEM=y requested but %CONFIG% has HIGHMEM=n ' +
        '(point KMATRIX_KERNEL at a kernel built that way)',
    ],
    [
      { KMATRIX_KCONFIG: 'X86_PMEM_LEGACY=y' },
      'SKIP: X86_PMEM_LEGACY=y requested but %CONFIG% builds it as a module, ' +
        'and the initramfs loads no modules (point KMATRIX_KERNEL at a kernel built that way)',
    ],
  ])('cannot test %j here: exit 125 with the reason', async (env, reason) => {
    const r = await bootScript({ ...base, KMATRIX_BOOT: '', ...env });
    expect(r.code).toBe(125);
    expect(r.lastLine).toBe(reason.replace('%CONFIG%', base.KMATRIX_KERNEL_CONFIG!));
  });

  it('only notes resolved KMATRIX_CONFIG_* values the kernel lacks if the cell asked for none', async () => {
    const r = await bootScript({
      ...base,
      KMATRIX_BOOT: RECORDED_BOOT,
      KMATRIX_CONFIG_HIGHMEM: 'y',
      KMATRIX_CONFIG_NUMA: 'y',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'kmatrix-qemu: note: kernel differs from the resolved config: ' +
        `HIGHMEM=y requested but ${base.KMATRIX_KERNEL_CONFIG} has HIGHMEM=n`,
    );
    expect(r.stdout).not.toContain('NUMA=y requested');
  });
});

describe.skipIf(skipBoots)('boot.sh booting the Debian kernel', () => {
  it('has QEMU, a kernel and busybox (installed by .ci/run)', () => {
    expect(missing).toEqual([]);
  });

  it('boots with every kind of parameter at once and passes each check', { timeout: 240_000 }, async () => {
    const r = await bootScript({
      KMATRIX_CELL_ID: 'all-params',
      KMATRIX_ARCH: 'x86_64',
      KMATRIX_BOOT: `${RECORDED_BOOT} hugepages=16 init_on_free=1 init_on_alloc=0`,
      KMATRIX_WORKLOAD: 'kpageflags',
      KMATRIX_MEMORY: String(GIB),
      KMATRIX_NODES: '1',
    });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^kmatrix-qemu: check ok: mem= caps MemTotal \(\d+ kB <= 786432 kB\)$/m);
    expect(r.stdout).toContain(
      'check ok: memmap=128M!256M: e820 persistent (type 12) range ' +
        '0x0000000010000000-0x0000000017ffffff covers',
    );
    expect(r.stdout).toContain('check ok: movablecore=256M created a Movable zone');
    expect(r.stdout).toContain('check ok: 2 NUMA node(s) in /sys/devices/system/node');
    expect(r.stdout).toContain('check ok: hugepages=16: HugePages_Total 16');
    expect(r.stdout).toContain('check ok: init_on_alloc: heap alloc:off');
    expect(r.stdout).toContain('check ok: init_on_free: heap free:on');
    // mem=768M bounds max_pfn: 196608 pfns of 4 KiB
    expect(r.stdout).toContain(
      'check ok: workload kpageflags: read the flags of 196608 pfns from /proc/kpageflags',
    );
    expect(r.lastLine).toMatch(/^PASS: vmlinuz-\S+ booted with "mem=768M/);
  });

  it('skips cma= on a kernel built without CMA, naming the CONFIG_', { timeout: 240_000 }, async () => {
    const config = readdirSync('/boot').find((f) => f.startsWith('config-'));
    const built = config ? readFileSync(join('/boot', config), 'utf8') : '';
    const r = await bootScript({
      KMATRIX_CELL_ID: 'cma',
      KMATRIX_ARCH: 'x86_64',
      KMATRIX_BOOT: 'cma=64M',
      KMATRIX_WORKLOAD: 'boot',
      KMATRIX_MEMORY: String(GIB / 2),
      KMATRIX_NODES: '1',
    });
    if (/^CONFIG_DMA_CMA=y$/m.test(built)) {
      // a kernel with CMA: the reservation is checked instead
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain('check ok: cma=64M: CmaTotal 65536 kB');
    } else {
      expect(r.code, r.stdout).toBe(125);
      expect(r.lastLine).toMatch(/^SKIP: cma=64M: the kernel ignored it: CONFIG_(DMA_)?CMA is not set in /);
    }
  });

  it(
    'fails a parameter the kernel does not know; kernelcore= makes a Movable zone',
    { timeout: 240_000 },
    async () => {
      const r = await bootScript({
        KMATRIX_CELL_ID: 'typo',
        KMATRIX_ARCH: 'x86_64',
        KMATRIX_BOOT: 'kernelcore=256M hugepagez=2M',
        KMATRIX_WORKLOAD: 'boot',
        KMATRIX_MEMORY: String(GIB),
        KMATRIX_NODES: '1',
      });
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain('check ok: kernelcore=256M created a Movable zone');
      expect(r.lastLine).toBe(
        'FAIL: the kernel does not know hugepagez=2M (it reported it unknown and passed it to user space)',
      );
    },
  );

  it('fails a kernel panic with the panic line', { timeout: 240_000 }, async () => {
    const r = await bootScript({
      KMATRIX_CELL_ID: 'panic',
      KMATRIX_ARCH: 'x86_64',
      KMATRIX_BOOT: 'rdinit=/nonexistent',
      KMATRIX_WORKLOAD: 'boot',
      KMATRIX_MEMORY: String(GIB / 2),
      KMATRIX_NODES: '1',
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)',
    );
    expect(r.lastLine).toBe(
      'FAIL: kernel reported: Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)',
    );
  });
});

describe.skipIf(skipBoots || !existsSync(join(ROOT, 'src/cli/run.ts')))(
  'kmatrix run matrices/qemu/small.yaml',
  () => {
    it(
      'boots both cells through the command backend and reports them passed',
      { timeout: 300_000 },
      async () => {
        const reportDir = tempDir('kmatrix-qemu-e2e-');
        const r = await startCli(
          ['run', 'matrices/qemu/small.yaml', '--report-dir', reportDir, '--no-cache'],
          { cwd: ROOT, timeoutMs: 300_000 },
        );
        expect(r.exitCode, `${r.stdout}\n${r.stderr}`).toBe(0);
        const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as RunReport;
        expect(report.summary).toMatchObject({ total: 2, passed: 2, executed: 2 });
        expect(report.cells.map((c) => [c.boot, c.status]).sort()).toEqual([
          ['mem=768M memmap=128M!256M', 'pass'],
          ['movablecore=256M numa=fake=2', 'pass'],
        ]);
        for (const cell of report.cells) {
          // passing cells' logs are ranges of logs/passed.log (report/log-pack.ts)
          const log = readLogTail(reportDir, cell.log, 100_000, 1 << 24);
          expect(log).toContain(`PASS: `);
          expect(log).toContain('kmatrix: end');
        }
      },
    );
  },
);
