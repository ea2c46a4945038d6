// Shared helpers of the benchmarks: timing, medians, running the real CLI.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/kmatrix.js');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall time of a synchronous function, in ms. */
export function timeSync(fn) {
  const t = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

/** Run a command to completion; resolves with wall ms, exit code and output. */
export function timeCommand(argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stopWatching = opts.onSpawn?.(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      stopWatching?.();
      resolve({ ms, code, stdout, stderr });
    });
  });
}

export function kmatrixArgv(args) {
  return [process.execPath, BIN, ...args];
}

export function nproc() {
  const r = spawnSync('nproc', { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 1;
}

/** Runs per measurement (medians): KMATRIX_BENCH_RUNS, else `fallback`. */
export function runs(fallback) {
  const n = Number(process.env.KMATRIX_BENCH_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A fresh temp directory; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(prefix = 'kmatrix-bench-') {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

const GNU_TIME = '/usr/bin/time';

/**
 * Like timeCommand, plus the peak RSS of the command in MB: from GNU time when installed,
 * else by polling /proc/<pid>/status for VmHWM (the peak, so polling misses nothing but the
 * last few ms of a process that grows right before it exits).
 */
export async function timeCommandRss(argv, opts = {}) {
  if (existsSync(GNU_TIME)) {
    const dir = tempDir('kmatrix-bench-time-');
    try {
      const out = path.join(dir, 'rss');
      const r = await timeCommand([GNU_TIME, '-o', out, '-f', '%M', ...argv], opts);
      const kb = Number(readFileSync(out, 'utf8').trim().split('\n').at(-1));
      return { ...r, rssMB: kb / 1024 };
    } finally {
      removeDir(dir);
    }
  }
  let peakKB = 0;
  const r = await timeCommand(argv, {
    ...opts,
    onSpawn: (pid) => {
      const poll = () => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) peakKB = Math.max(peakKB, Number(m[1]));
        } catch {
          clearInterval(timer);
        }
      };
      const timer = setInterval(poll, 20);
      return () => {
        poll();
        clearInterval(timer);
      };
    },
  });
  return { ...r, rssMB: peakKB / 1024 };
}

/** Run `git` synchronously in `cwd` with a fixed identity and no user config; throws on failure. */
export function git(cwd, args, input) {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'kmatrix bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'kmatrix bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
  };
  const r = spawnSync('git', args, { cwd, env, input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/**
 * A linear git repository of `count` commits where file `state`
 * holds `state(i)` at commit i (fast-import: milliseconds).
 */
export function linearGitRepo(dir, count, state) {
  git(dir, ['init', '-q', '-b', 'main']);
  let stream = '';
  for (let i = 0; i < count; i++) {
    const msg = `commit ${i}`;
    const date = 1577836800 + i;
    stream +=
      `commit refs/heads/main\nmark :${i + 1}\ncommitter kmatrix bench <bench@example.com> ${date} +0000\n` +
      `data ${Buffer.byteLength(msg)}\n${msg}\n`;
    if (i > 0) stream += `from :${i}\n`;
    const content = state(i);
    stream += `M 100644 inline state\ndata ${Buffer.byteLength(content)}\n${content}\n`;
  }
  git(dir, ['fast-import', '--quiet'], stream);
  git(dir, ['checkout', '-q', '-f', 'main']);
  return git(dir, ['rev-list', '--reverse', 'main']).trim().split('\n');
}

const BOOTS = [
  '',
  'cma=16M',
  'cma=64M',
  'cma=256M',
  'mem=2G',
  'mem=4G',
  'movablecore=25%',
  'movablecore=10%',
  'kernelcore=50%',
  'kernelcore=1G',
  'numa=off',
  'numa=fake=2',
  'cma=32M mem=4G',
  'cma=64M movablecore=25%',
  'memmap=64M$1G',
  'cma=8M',
  'cma=128M',
  'mem=3G',
  'movablecore=50%',
  'kernelcore=25%',
  'cma=4M kernelcore=50%',
  'numa=fake=4',
  'mem=6G cma=64M',
  'movablecore=512M',
  'kernelcore=2G',
];

/**
 * A generated sim matrix at one commit of the seeds history, of exactly `cells` cells:
 * 8 archs x 5 workloads x 5 memory sizes x 5 node counts (1,000) x Kconfig combinations
 * (4 when `cells` is a multiple of 4,000, else 1) x 1..25 boot lines.
 */
export function sizedSimMatrix(cells) {
  const kconfig = cells % 4000 === 0 ? 4 : 1;
  const boots = cells / 1000 / kconfig;
  if (!Number.isInteger(boots) || boots < 1 || boots > BOOTS.length)
    throw new Error(`sizedSimMatrix: cannot make ${cells} cells`);
  return `name: bench-${cells}
history: ${JSON.stringify(path.join(ROOT, 'matrices/histories/linux-mm.yaml'))}
commits: [v6.4-rc1]
matrix:
  arch: [i386, x86_64, arm, arm64, ppc64, s390, loongarch, riscv64]
  kconfig:
    CMA: [y${kconfig === 4 ? ', n' : ''}]
${kconfig === 4 ? '    DEFERRED_STRUCT_PAGE_INIT: [y, n]\n' : ''}  boot: [${BOOTS.slice(0, boots)
    .map((b) => JSON.stringify(b))
    .join(', ')}]
  workload: [boot, dma-alloc, kpageflags, hotplug, devdax]
  memory: [1G, 2G, 4G, 8G, 16G]
  nodes: [1, 2, 3, 4, 8]
`;
}

/** durationMs and summary of the report.json a run wrote, from its head (the file can be hundreds of MB). */
export function readReportSummary(reportDir) {
  const fd = openSync(path.join(reportDir, 'report.json'), 'r');
  try {
    const buf = Buffer.alloc(4096);
    const head = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    const duration = /"durationMs":\s*(\d+)/.exec(head);
    const summary = /"summary":\s*(\{[^}]*\})/.exec(head);
    if (!duration || !summary)
      throw new Error(`${reportDir}/report.json: no durationMs or summary in its head`);
    return { durationMs: Number(duration[1]), summary: JSON.parse(summary[1]) };
  } finally {
    closeSync(fd);
  }
}

/** Memory-layout boot lines of the distinct-boot matrix: each parameter alone and in combinations. */
const LAYOUT_BOOTS = [
  '',
  'mem=1G',
  'mem=3G',
  'memmap=64M$1G',
  'memmap=256M!2G',
  'movablecore=25%',
  'movablecore=512M',
  'kernelcore=50%',
  'kernelcore=1G',
  'cma=32M',
  'cma=256M',
  'hugepages=64',
  'numa=fake=2',
  'numa=fake=4',
  'mem=3G cma=64M',
  'mem=2G movablecore=25%',
  'memmap=64M$1G cma=64M',
  'kernelcore=50% cma=128M',
  'movablecore=25% hugepages=32',
  'numa=fake=2 movablecore=10%',
  'numa=fake=2 cma=64M',
  'mem=3G memmap=128M$1G kernelcore=1G',
  'cma=16M hugepages=16 numa=fake=2',
  'mem=6G movablecore=50% cma=64M',
];

/**
 * The held-out distinct-boot sim matrix (61,440 cells, about a third runnable after Kconfig
 * resolution): 8 archs x 16 Kconfig combinations x 24 memory-layout boot lines x 5 workloads
 * x 4 memory sizes, so that most runnable cells have a boot of their own (only the workload
 * axis shares one).
 */
export function distinctBootSimMatrix() {
  return `name: bench-distinct-boots
history: ${JSON.stringify(path.join(ROOT, 'matrices/histories/linux-mm.yaml'))}
commits: [v6.4-rc1]
matrix:
  arch: [i386, x86_64, arm, arm64, ppc64, s390, loongarch, riscv64]
  kconfig:
    HIGHMEM: [y, n]
    CMA: [y, n]
    DEFERRED_STRUCT_PAGE_INIT: [y, n]
    SPARSEMEM_VMEMMAP: [y, n]
  boot: [${LAYOUT_BOOTS.map((b) => JSON.stringify(b)).join(', ')}]
  workload: [boot, dma-alloc, kpageflags, hotplug, devdax]
  memory: [1G, 2G, 4G, 8G]
include:
  # i386's HIGHMEM follows the High Memory Support choice: its "off" is NOHIGHMEM
  - {arch: i386, kconfig: {HIGHMEM: n, NOHIGHMEM: y}}
`;
}
