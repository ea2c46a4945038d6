// Shared helpers of the benchmarks: timing, medians, running the real CLI.
import { spawn, spawnSync } from 'node:child_process';
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
    const child = spawn(argv[0], argv.slice(1), { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, stdout, stderr }));
  });
}

export function kmatrixArgv(args) {
  return [process.execPath, BIN, ...args];
}

export function nproc() {
  const r = spawnSync('nproc', { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 1;
}

/**
 * A generated sim matrix of exactly `cells` cells at one commit of the seeds history:
 * 8 archs x 4 Kconfig combinations x boot lines x 5 workloads x 5 memory sizes x 5 node counts
 * (boot lines are cut to fit; `cells` must be a multiple of 4,000 and at most 100,000).
 */
export function sizedSimMatrix(cells) {
  const boots = ['""', '"cma=16M"', '"cma=64M"', '"cma=256M"', '"mem=2G"', '"mem=4G"', '"movablecore=25%"', '"movablecore=10%"', '"kernelcore=50%"', '"kernelcore=1G"',
    '"numa=off"', '"numa=fake=2"', '"cma=32M mem=4G"', '"cma=64M movablecore=25%"', '"memmap=64M$1G"', '"cma=8M"', '"cma=128M"', '"mem=3G"', '"movablecore=50%"', '"kernelcore=25%"',
    '"cma=4M kernelcore=50%"', '"numa=fake=4"', '"mem=6G cma=64M"', '"movablecore=512M"', '"kernelcore=2G"'];
  const n = cells / 4000;
  if (!Number.isInteger(n) || n < 1 || n > boots.length) throw new Error(`sizedSimMatrix: ${cells} cells is not 4000 x 1..25`);
  return `name: bench-${cells}
history: ${path.join(ROOT, 'matrices/histories/linux-mm.yaml')}
commits: [v6.4-rc1]
matrix:
  arch: [i386, x86_64, arm, arm64, ppc64, s390, loongarch, riscv64]
  kconfig:
    CMA: [y, n]
    DEFERRED_STRUCT_PAGE_INIT: [y, n]
  boot: [${boots.slice(0, n).join(', ')}]
  workload: [boot, dma-alloc, kpageflags, hotplug, devdax]
  memory: [1G, 2G, 4G, 8G, 16G]
  nodes: [1, 2, 3, 4, 8]
`;
}
