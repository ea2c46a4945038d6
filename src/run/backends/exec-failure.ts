/**
 * Why the kernel would refuse to execute a program, told from the program file and the sizes
 * of its argv and environment. bash exits 126 or 127 both when it cannot exec a program and
 * when the program itself exits so: the command backend asks this after such a status, and a
 * reason found means bash's failure (an infrastructure error, not a cell's verdict). The same
 * words name a plain spawn's errno, so both paths give one stable signature.
 */
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { findExecutable } from './spawner-protocol.js';

/** Longest single argument or `NAME=value` string the kernel takes (MAX_ARG_STRLEN, NUL included). */
const MAX_ARG_STRLEN = 32 * 4096;
/** The kernel's limit of argv and environment together under the default 8 MiB stack (a quarter of it). */
const ARG_MAX = 2 * 1024 * 1024;

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'not found',
  EACCES: 'permission denied',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  ETXTBSY: 'text file busy',
};

/** The interpreter a `#!` line names, or undefined. */
function shebangOf(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    const line = head.toString('latin1', 0, n).split('\n')[0]!;
    if (!line.startsWith('#!')) return undefined;
    return line.slice(2).trim().split(/[ \t]/)[0] || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function overArgLimit(argv: readonly string[], env: Record<string, string | undefined>): boolean {
  let total = 0;
  const vars = Object.entries(env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  for (const s of [...argv, ...vars]) {
    const bytes = Buffer.byteLength(s) + 1;
    if (bytes > MAX_ARG_STRLEN) return true;
    total += bytes + 8;
  }
  return total > ARG_MAX;
}

/**
 * Why `argv` with `env` cannot be executed (`not found`, `argument list too long`, `bad
 * interpreter /x`...), or undefined when nothing says so. `errno`: what a spawn reported.
 */
export function execFailure(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string | undefined>,
  errno?: string,
): string | undefined {
  const path = findExecutable(argv[0] ?? '', env.PATH);
  if (path === undefined) return errno === 'EACCES' ? ERRNO_WORDS.EACCES : ERRNO_WORDS.ENOENT;
  if (errno === 'E2BIG' || overArgLimit(argv, env)) return ERRNO_WORDS.E2BIG;
  const interpreter = shebangOf(path);
  // the kernel takes an interpreter without a slash relative to the program's cwd
  if (interpreter !== undefined && findExecutable(resolve(cwd, interpreter)) === undefined)
    return `bad interpreter ${interpreter}`;
  if (errno === undefined) return undefined;
  return ERRNO_WORDS[errno] ?? errno;
}

/**
 * The program file a matrix's command names, when it is there but lacks the execute bit: every
 * cell would fail the same way, so it is the user's to fix (chmod +x) before any cell runs.
 * Undefined for a program looked up in PATH, a missing one (per-cell errors say so) or a good one.
 */
export function notExecutable(program: string, baseDir: string): string | undefined {
  if (!program.includes('/')) return undefined;
  const file = isAbsolute(program) ? program : resolve(baseDir, program);
  try {
    if (!statSync(file).isFile()) return undefined;
    accessSync(file, constants.X_OK);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EACCES' ? file : undefined;
  }
}
