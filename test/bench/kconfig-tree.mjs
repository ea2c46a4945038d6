// Bench: a matrix over a real kernel tree (linux-source-6.12, extracted by scripts/kernel-tree.sh).
// - parse: the x86 tree parsed for x86_64 (shell probes memoised, as a second run has them);
// - resolve: one more cell on the parsed tree (base + request, olddefconfig, explain), median;
// - plan of a 1,000-cell matrix (1,000 different requests), cold (no stored resolutions) and
//   warm (the same plan again), wall time of the whole `kmatrix plan --json` process;
// - next to them, the kernel's own tools for the same work: `make olddefconfig` once from an
//   empty output folder, and one run of conf --olddefconfig with its probes memoised (the
//   oracle's conf of test/kconfig/oracle.ts), times 1,000.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, kmatrixArgv, median, removeDir, runs, tempDir, timeCommand, timeSync } from './lib.mjs';

export const name = 'kconfig-tree';

const CELLS = 1000;

function kernelTree() {
  const r = spawnSync('bash', [path.join(ROOT, 'scripts/kernel-tree.sh')], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error('linux-source-6.12 is not installed (apt-get install linux-source-6.12)');
  return r.stdout.trim();
}

/** Parse and resolve timings in a fresh process (the parsed-tree memo lives per process). */
function engineTimes(tree, memoFile) {
  const mod = (f) => JSON.stringify(path.join(ROOT, 'dist/kconfig', f));
  const script = `
    const { diskSource, loadHostTree } = await import(${mod('host.js')});
    const { resolveRequest, kernelArch } = await import(${mod('bases.js')});
    const { resolveConfig } = await import(${mod('resolve.js')});
    const { explainRequests } = await import(${mod('explain.js')});
    const srctree = ${JSON.stringify(tree)};
    const t0 = performance.now();
    const { tree } = loadHostTree(srctree, 'x86_64', { memoFile: ${JSON.stringify(memoFile)} });
    const parse = performance.now() - t0;
    const x86 = kernelArch('x86_64');
    const base = resolveRequest(tree, { base: 'defconfig' }, diskSource(srctree), x86).config;
    const times = [];
    for (let i = 0; i < 21; i++) {
      const req = { LOG_BUF_SHIFT: String(12 + (i % 10)), KASAN: i % 2 ? 'y' : 'n' };
      const t = performance.now();
      explainRequests(resolveConfig(tree, base, [], req), req, 'on x86_64');
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ parse, resolve: times[10] }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return JSON.parse(out);
}

function matrix(tree) {
  const values = (from) => `[${Array.from({ length: 10 }, (_, i) => from + i).join(', ')}]`;
  return `name: bench-tree
kconfig:
  tree: ${JSON.stringify(tree)}
matrix:
  arch: [x86_64]
  kconfig:
    LOG_BUF_SHIFT: ${values(12)}
    LOG_CPU_MAX_BUF_SHIFT: ${values(12)}
    NR_CPUS: ${values(2)}
backend:
  command: [sh]
`;
}

/** The kernel's tools: make olddefconfig from an empty output folder, and one memoised conf run. */
function kernelTimes(tree) {
  const out = tempDir();
  try {
    const make = timeSync(() =>
      execFileSync('make', ['-s', `O=${out}`, 'ARCH=x86_64', 'x86_64_defconfig'], {
        cwd: tree,
        stdio: 'ignore',
      }),
    ).ms;
    const oracle = path.join(`${tree}.oracle`, 'x86_64');
    let conf = null;
    if (existsSync(path.join(oracle, 'conf'))) {
      const env = { ...process.env, ...JSON.parse(readFileSync(path.join(oracle, 'env.json'), 'utf8')) };
      Object.assign(env, {
        KCONFIG_AUTOCONFIG: path.join(oracle, 'auto.conf'),
        KCONFIG_CONFIG: '.config',
        KMATRIX_SHELL_MEMO: path.join(oracle, 'memo'),
      });
      writeFileSync(path.join(oracle, 'auto.conf'), '');
      const cwd = path.join(out, 'conf');
      mkdirSync(cwd);
      const xs = [];
      for (let i = 0; i < 3; i++) {
        copyFileSync(path.join(out, '.config'), path.join(cwd, '.config'));
        const conf1 = path.join(oracle, 'conf');
        xs.push(timeSync(() => execFileSync(conf1, ['-s', '--olddefconfig', 'Kconfig'], { cwd, env })).ms);
      }
      conf = median(xs);
    }
    return { make, conf };
  } finally {
    removeDir(out);
  }
}

export async function run() {
  const tree = kernelTree();
  const work = tempDir();
  try {
    const memoFile = path.join(`${tree}.oracle`, 'x86_64', 'kmatrix-shell.json');
    const engine = [];
    for (let i = 0; i < runs(3); i++) engine.push(engineTimes(tree, memoFile));
    const file = path.join(work, 'matrix.yaml');
    writeFileSync(file, matrix(tree));
    const cold = [];
    const warm = [];
    for (let i = 0; i < runs(3); i++) {
      const store = path.join(work, `configs-${i}`);
      mkdirSync(store);
      // a cold plan of a tree whose probes already ran once (the shell memo), as in CI
      if (existsSync(memoFile)) copyFileSync(memoFile, path.join(store, 'shell-x86_64.json'));
      const plan = async () => {
        const r = await timeCommand(kmatrixArgv(['plan', file, '--json']), {
          env: { KMATRIX_CONFIG_DIR: store },
        });
        if (r.code !== 0) throw new Error(`kmatrix plan exited ${r.code}: ${r.stderr.slice(-2000)}`);
        const cells = JSON.parse(r.stdout).cells;
        if (cells.length !== CELLS) throw new Error(`${cells.length} cells, not ${CELLS}`);
        return r.ms;
      };
      cold.push(await plan());
      warm.push(await plan());
    }
    const kernel = kernelTimes(tree);
    const ms = (v) => Math.round(v);
    return [
      {
        bench: 'x86_64 parse (probes memoised)',
        value: ms(median(engine.map((e) => e.parse))),
        unit: 'ms',
        target: '< 1500',
        ok: median(engine.map((e) => e.parse)) < 1500,
      },
      {
        bench: 'resolve one more cell',
        value: Number(median(engine.map((e) => e.resolve)).toFixed(1)),
        unit: 'ms',
        target: '< 20',
        ok: median(engine.map((e) => e.resolve)) < 20,
      },
      {
        bench: `plan ${CELLS} cells, cold`,
        value: ms(median(cold)),
        unit: 'ms',
        target: '< 30000',
        ok: median(cold) < 30000,
      },
      {
        bench: `plan ${CELLS} cells, warm`,
        value: ms(median(warm)),
        unit: 'ms',
        target: '< 3000',
        ok: median(warm) < 3000,
      },
      {
        bench: 'make x86_64_defconfig (kernel, probes run)',
        value: ms(kernel.make),
        unit: 'ms',
        target: 'reference',
        ok: true,
      },
      ...(kernel.conf === null
        ? []
        : [
            {
              bench: `conf --olddefconfig x ${CELLS} (probes memoised)`,
              value: ms(kernel.conf * CELLS),
              unit: 'ms',
              target: 'reference',
              ok: true,
            },
          ]),
    ];
  } finally {
    removeDir(work);
  }
}
