/**
 * The oracle: the kernel's own kconfig (make and scripts/kconfig/conf of linux-source-6.12) run
 * on the extracted tree. Per arch, `make O=<dir> ARCH=<arch>` builds conf once and reports the
 * environment it gives conf; a second conf is linked from the same objects with popen memoised
 * (memo-popen.c) so each later run costs a parse instead of ~100 compiler probes. Results are
 * cached on disk by input, so a second test run only re-runs kmatrix.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelArch } from '../../src/kconfig/bases.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the extracted kernel tree lives (scripts/kernel-tree.sh puts it there). */
export const kernelCache =
  process.env.KMATRIX_KERNEL_CACHE ??
  join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kmatrix', 'linux-6.12');

/** Extracts the tree if needed; null when linux-source-6.12 is not installed. */
export function kernelTree(): string | null {
  try {
    const out = execFileSync('bash', [join(repo, 'scripts', 'kernel-tree.sh')], {
      env: { ...process.env, KMATRIX_KERNEL_CACHE: kernelCache },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return out.trim();
  } catch (e) {
    if ((e as { status?: number }).status === 2) return null;
    throw e;
  }
}

/** Names whose values make hands conf and that Kconfig files or their probes read. */
const envNames = [
  'ARCH', 'SRCARCH', 'srctree', 'CC', 'LD', 'NM', 'OBJCOPY', 'OBJDUMP', 'AR', 'STRIP', 'READELF',
  'PAHOLE', 'RUSTC', 'BINDGEN', 'PYTHON3', 'KERNELVERSION', 'CC_VERSION_TEXT', 'RUSTC_VERSION_TEXT',
  'CROSS_COMPILE', 'CLANG_FLAGS', 'USERCFLAGS', 'USERLDFLAGS', 'CROSS_COMPILE_COMPAT', 'SUBARCH',
]; // prettier-ignore

function run(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  return execFileSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
}

/** The kernel's kconfig for one arch. */
export class Oracle {
  private readonly dir: string;
  private readonly out: string;
  private env: Record<string, string> = {};

  constructor(
    readonly tree: string,
    readonly archName: string,
  ) {
    this.dir = join(`${tree}.oracle`, archName);
    this.out = join(this.dir, 'out');
  }

  private get arch(): string {
    return kernelArch(this.archName)!.arch;
  }

  /** Builds conf with make, records conf's environment, links the memoising conf. Idempotent. */
  setup(): this {
    const envFile = join(this.dir, 'env.json');
    const memoConf = join(this.dir, 'conf');
    if (!existsSync(envFile) || !existsSync(memoConf)) {
      mkdirSync(this.out, { recursive: true });
      const probe = join(this.dir, 'env.Kconfig');
      writeFileSync(probe, envNames.map((n) => `$(info,KMENV ${n}=$(${n}))\n`).join(''));
      writeFileSync(join(this.out, '.config'), '');
      const printed = run(
        'make',
        ['-s', `O=${this.out}`, `ARCH=${this.arch}`, `KBUILD_KCONFIG=${probe}`, 'olddefconfig'],
        { cwd: this.tree },
      );
      const env: Record<string, string> = {};
      for (const m of printed.matchAll(/^KMENV ([A-Za-z_0-9]+)=(.*)$/gm)) if (m[2] !== '') env[m[1]!] = m[2]!;
      const kc = join(this.out, 'scripts', 'kconfig');
      const objs = ['conf', 'confdata', 'expr', 'lexer.lex', 'menu', 'parser.tab', 'symbol', 'util'].map(
        (o) => join(kc, `${o}.o`),
      );
      const inc = [
        '-I',
        join(this.tree, 'scripts', 'include'),
        '-I',
        join(this.tree, 'scripts', 'kconfig'),
        '-I',
        kc,
      ];
      const pre = join(this.dir, 'preprocess.o');
      run(
        'gcc',
        [
          '-O2',
          ...inc,
          '-Dpopen=memo_popen',
          '-Dpclose=memo_pclose',
          '-c',
          join(this.tree, 'scripts', 'kconfig', 'preprocess.c'),
          '-o',
          pre,
        ],
        { cwd: this.dir },
      );
      run(
        'gcc',
        ['-O2', '-o', `${memoConf}.tmp`, ...objs, pre, join(repo, 'test', 'kconfig', 'memo-popen.c')],
        { cwd: this.dir },
      );
      renameSync(`${memoConf}.tmp`, memoConf);
      writeFileSync(envFile, JSON.stringify(env));
    }
    this.env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, string>;
    mkdirSync(join(this.dir, 'memo'), { recursive: true });
    mkdirSync(join(this.dir, 'results'), { recursive: true });
    writeFileSync(join(this.dir, 'auto.conf'), '');
    return this;
  }

  private cached(key: unknown, produce: () => string): string {
    const file = join(
      this.dir,
      'results',
      `${createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32)}.config`,
    );
    if (existsSync(file)) return readFileSync(file, 'latin1');
    const text = produce();
    writeFileSync(`${file}.${process.pid}.tmp`, text, 'latin1');
    renameSync(`${file}.${process.pid}.tmp`, file);
    return text;
  }

  /** `make O=... ARCH=... <target>` from an empty output tree: the real thing, no memo. */
  make(target: string): string {
    return this.cached(['make', target], () => {
      const out = mkdtempSync(join(this.dir, 'make-'));
      try {
        run('make', ['-s', `O=${out}`, `ARCH=${this.arch}`, target], { cwd: this.tree });
        return readFileSync(join(out, '.config'), 'latin1');
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    });
  }

  /** The memoised conf in a scratch folder: `conf --<mode> Kconfig` on `config` as .config. */
  conf(mode: string, config: string, extraEnv: Record<string, string> = {}): string {
    return this.cached(['conf', mode, config, extraEnv], () => {
      const cwd = mkdtempSync(join(this.dir, 'conf-'));
      try {
        writeFileSync(join(cwd, '.config'), config, 'latin1');
        const env = {
          ...process.env,
          ...this.env,
          ...extraEnv,
          // an existing auto.conf makes conf skip writing include/config (thousands of files)
          KCONFIG_AUTOCONFIG: join(this.dir, 'auto.conf'),
          KCONFIG_CONFIG: '.config',
          KMATRIX_SHELL_MEMO: join(this.dir, 'memo'),
        };
        run(join(this.dir, 'conf'), ['-s', `--${mode}`, 'Kconfig'], { cwd, env });
        return readFileSync(join(cwd, '.config'), 'latin1');
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }

  /** scripts/kconfig/merge_config.sh -m base fragments...: the merged, unresolved text. */
  merge(base: string, fragments: readonly string[]): string {
    const cwd = mkdtempSync(join(this.dir, 'merge-'));
    try {
      writeFileSync(join(cwd, 'base.config'), base, 'latin1');
      const names = fragments.map((f, i) => {
        writeFileSync(join(cwd, `frag${i}.config`), f, 'latin1');
        return `frag${i}.config`;
      });
      const env = { ...process.env, KCONFIG_CONFIG: 'merged.config' };
      run('sh', [join(this.tree, 'scripts', 'kconfig', 'merge_config.sh'), '-m', 'base.config', ...names], {
        cwd,
        env,
      });
      return readFileSync(join(cwd, 'merged.config'), 'latin1');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  }
}
