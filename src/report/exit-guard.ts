/**
 * A `--reporter` module runs with kmatrix's rights; this guard is against accidents, not a
 * sandbox. Once one is loaded, process.exit no longer ends the process (kmatrix itself never
 * calls it: bin/kmatrix.js sets process.exitCode): inside a reporter's loading or hooks it
 * throws, so the multiplexer isolates that reporter and the run ends with its own exit code and
 * report.json; anywhere else (a reporter's timer) it is ignored with a warning.
 */
import type { Writer } from './io.js';

/** A reporter called process.exit: thrown out of its hook instead of exiting. */
export class ReporterExit extends Error {
  constructor(code: unknown) {
    super(`it called process.exit(${code === undefined ? '' : String(code)})`);
    this.name = 'ReporterExit';
  }
}

let installed = false;
/** Reporter code is running (loading, a factory or a hook, until its promise settles). */
let depth = 0;

function install(stderr: Writer): void {
  if (installed) return;
  installed = true;
  process.exit = ((code?: unknown) => {
    if (depth > 0) throw new ReporterExit(code);
    stderr.write(
      `kmatrix: warning: a reporter called process.exit(${code === undefined ? '' : String(code)}) ` +
        'outside its hooks; ignored\n',
    );
  }) as typeof process.exit;
}

/** Runs reporter code (`fn`) with process.exit turned into a ReporterExit. */
export async function guarded<T>(stderr: Writer, fn: () => T | Promise<T>): Promise<T> {
  install(stderr);
  depth++;
  try {
    return await fn();
  } finally {
    depth--;
  }
}

/** The reporter with each hook run under the guard. */
export function guardReporter<R extends object>(reporter: R, stderr: Writer): R {
  return new Proxy(reporter, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || !String(key).startsWith('on')) return value;
      return (...args: unknown[]) =>
        guarded(stderr, () => (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}
