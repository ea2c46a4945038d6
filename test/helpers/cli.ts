/** Run the real CLI (bin/kmatrix.js -> dist/, built by test/global-setup.ts) as a user would. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/kmatrix.js');

export interface CliOptions {
  /** Working directory; the repository root by default. */
  cwd?: string;
  /** Added to the test's environment (NO_COLOR=1 is always set). */
  env?: Record<string, string>;
  /** Written to stdin; stdin is empty (runCli) or closed (startCli) without it. */
  input?: string;
  /** Killed with SIGKILL after this long (a CLI spinning in a synchronous call ignores SIGTERM). */
  timeoutMs?: number;
  /** Replace durations (`1.2s`, `35ms`) in stdout and stderr by `<duration>`. */
  normaliseDurations?: boolean;
}

/** What the CLI did: its exit code (null if a signal ended it) and what it printed. */
export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Durations printed by the CLI, made comparable between runs. */
export const normaliseDurations = (text: string): string =>
  text.replace(/\b\d+(?:\.\d+)?(?:ms|s|m)\b/g, '<duration>');

const envOf = (opts: CliOptions) => ({ ...process.env, NO_COLOR: '1', ...opts.env });

/** Run the CLI to its end. */
export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: envOf(opts),
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const out = opts.normaliseDurations ? normaliseDurations : (s: string) => s;
  return { exitCode: r.status, stdout: out(r.stdout), stderr: out(r.stderr) };
}

/**
 * Start the CLI without waiting, for tests that signal it or run several at once. Awaited, it
 * gives execa's result (exitCode, signal, stdout, stderr); it never rejects.
 */
export function startCli(args: string[], opts: CliOptions = {}): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: envOf(opts),
    extendEnv: false,
    reject: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    timeout: opts.timeoutMs ?? 150_000,
    killSignal: 'SIGKILL',
  }) as never;
}
