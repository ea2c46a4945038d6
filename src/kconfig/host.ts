/**
 * The engine's only contact with the machine: reading a kernel source tree, running the macro
 * language's $(shell,...) the way conf's popen does, and building the environment make gives
 * conf (ARCH, SRCARCH, CC, LD, KERNELVERSION, CC_VERSION_TEXT, ...). Shell results are memoised
 * per command and environment, in memory and optionally in a JSON file.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { kernelArch } from './bases.js';
import { loadKconfig, type LoadedTree } from './load.js';
import { globToRegExp } from './source-paths.js';
import type { KconfigSource } from './parser.js';
import type { MacroHost } from './preprocess.js';

/** Options for the environment conf would get from `make ARCH=...`. */
export interface HostOptions {
  /** CROSS_COMPILE prefix (empty: the host's tools, as a plain `make ARCH=x` uses). */
  readonly crossCompile?: string;
  /** A JSON file memoising $(shell) results across processes. */
  readonly memoFile?: string;
  /** The top Makefile's text (KERNELVERSION), when the tree is not read from srctree's files. */
  readonly makefile?: string;
}

/** Files of a source tree on disk. */
export function diskSource(srctree: string): KconfigSource {
  return {
    glob(pattern) {
      // expand one path segment at a time, as glob(3) does
      let found = [''];
      for (const seg of pattern.split('/')) {
        const re = globToRegExp(seg);
        found = found.flatMap((dir) => {
          if (!/[*?[]/.test(seg)) return [`${dir}${seg}`];
          try {
            return readdirSync(join(srctree, dir) || '.')
              .filter((f) => re.test(f))
              .map((f) => `${dir}${f}`);
          } catch {
            return [];
          }
        });
        found = found.map((f) => `${f}/`);
      }
      return found.map((f) => f.slice(0, -1)).filter((f) => existsSync(join(srctree, f)));
    },
    readFile(path) {
      try {
        return readFileSync(path.startsWith('/') ? path : join(srctree, path), 'latin1');
      } catch {
        return undefined;
      }
    },
  };
}

function sh(cmd: string, env: NodeJS.ProcessEnv, cwd: string): string {
  try {
    return execFileSync('/bin/sh', ['-c', cmd], {
      env,
      cwd,
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (e) {
    // popen gives conf whatever the command printed, whatever its exit status
    const out = (e as { stdout?: string }).stdout;
    return typeof out === 'string' ? out : '';
  }
}

/** KERNELVERSION from the top Makefile's VERSION, PATCHLEVEL, SUBLEVEL and EXTRAVERSION. */
export function kernelVersion(makefile: string): string {
  const get = (k: string): string => new RegExp(`^${k} = ?(.*)$`, 'm').exec(makefile)?.[1]?.trim() ?? '';
  const [v, p, s, e] = ['VERSION', 'PATCHLEVEL', 'SUBLEVEL', 'EXTRAVERSION'].map(get) as [
    string,
    string,
    string,
    string,
  ];
  return `${v}${p ? `.${p}${s ? `.${s}` : ''}` : ''}${e}`;
}

/** Runs shell commands for one environment, memoised in memory and optionally in a JSON file. */
export interface ShellRunner {
  run(cmd: string): string;
  /** Writes new results to the memo file (atomically), if there is one. */
  flush(): void;
}

const shellMemo = new Map<string, string>();

/** A shell runner for `env` (layered over this process's environment), in a scratch folder. */
export function shellRunner(env: Readonly<Record<string, string>>, memoFile?: string): ShellRunner {
  const envKey = JSON.stringify(Object.entries(env).sort());
  let disk: Record<string, string> = {};
  if (memoFile) {
    try {
      disk = JSON.parse(readFileSync(memoFile, 'utf8')) as Record<string, string>;
    } catch {
      disk = {};
    }
  }
  let cwd: string | undefined;
  let dirty = false;
  return {
    run(cmd) {
      const key = createHash('sha256').update(`${envKey}\0${cmd}`).digest('hex');
      const hit = shellMemo.get(key) ?? disk[key];
      if (hit !== undefined) return hit;
      // cc-option and friends make (and remove) .tmp_$$ folders in the working directory
      if (!cwd) {
        cwd = join(tmpdir(), 'kmatrix-kconfig-shell');
        mkdirSync(cwd, { recursive: true });
      }
      // read env now: make exports CC_VERSION_TEXT, computed with this runner, to the probes too
      const out = sh(cmd, { ...process.env, ...env }, cwd);
      shellMemo.set(key, out);
      disk[key] = out;
      dirty = true;
      return out;
    },
    flush() {
      if (!memoFile || !dirty) return;
      // a memo: a lost write costs a probe again, so no fsync
      writeFileAtomic(memoFile, JSON.stringify(disk), { durable: false });
      dirty = false;
    },
  };
}

/** The variables make exports to conf that Kconfig files and their shell probes read. */
export function makeEnvironment(
  srctree: string,
  archName: string,
  opts: HostOptions = {},
): { env: Record<string, string>; shell: ShellRunner } {
  const a = kernelArch(archName);
  if (!a) throw new Error(`unknown arch ${archName}`);
  const cross = opts.crossCompile ?? '';
  const env: Record<string, string> = {
    ARCH: a.arch,
    SRCARCH: a.srcarch,
    srctree,
    CROSS_COMPILE: cross,
    CC: `${cross}gcc`,
    LD: `${cross}ld`,
    NM: `${cross}nm`,
    OBJCOPY: `${cross}objcopy`,
    PAHOLE: 'pahole',
    RUSTC: 'rustc',
    BINDGEN: 'bindgen',
    PYTHON3: 'python3',
    KERNELVERSION: kernelVersion(opts.makefile ?? readFileSync(join(srctree, 'Makefile'), 'latin1')),
  };
  const shell = shellRunner(env, opts.memoFile);
  // the top Makefile's $(shell ...) results, with its $(subst $(pound),,...)
  const text = (cmd: string): string =>
    shell.run(cmd).replace(/\n+$/, '').replace(/\n/g, ' ').replace(/#/g, '');
  env.CC_VERSION_TEXT = text(`LC_ALL=C ${env.CC} --version 2>/dev/null | head -n 1`);
  env.RUSTC_VERSION_TEXT = text(`${env.RUSTC} --version 2>/dev/null`);
  return { env, shell };
}

/** A macro host over a shell runner; unknown variables fall back to this process's environment. */
export function hostMacros(
  env: Readonly<Record<string, string>>,
  shell: ShellRunner,
): MacroHost & { readonly messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    env: (name) => env[name] ?? process.env[name],
    shell: (cmd) => shell.run(cmd),
    info: (m) => void messages.push(m),
    warn: (m) => void messages.push(m),
  };
}

const treeMemo = new Map<string, LoadedTree>();

/** Parses the Kconfig tree of `srctree` for an arch, once per tree and environment. */
export function loadHostTree(srctree: string, archName: string, opts: HostOptions = {}): LoadedTree {
  return loadSourceTree(diskSource(srctree), srctree, srctree, archName, opts);
}

/**
 * Parses the Kconfig files of `src` (known as `id`: a folder, or a git tree sha) for an arch,
 * once per tree and environment; `srctree` is where the shell probes find scripts/.
 */
export function loadSourceTree(
  src: KconfigSource,
  id: string,
  srctree: string,
  archName: string,
  opts: HostOptions = {},
): LoadedTree {
  const { env, shell } = makeEnvironment(srctree, archName, opts);
  const key = JSON.stringify([id, Object.entries(env).sort()]);
  let loaded = treeMemo.get(key);
  if (!loaded) {
    loaded = loadKconfig(src, hostMacros(env, shell));
    treeMemo.set(key, loaded);
  }
  shell.flush();
  return loaded;
}
