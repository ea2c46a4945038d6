/**
 * Error classes with exit codes. The CLI maps them in one top-level catch:
 * user errors print located lines without a stack; anything else is an internal error.
 */

/** Exit codes of every kmatrix command (also documented in the README). */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  infrastructure: 3,
  interrupted: 130,
} as const;

/** A problem located in a user's file: `file:line:col: path: message (hint)`. */
export interface Problem {
  file: string;
  line: number;
  col: number;
  /** Dotted path of the offending node, e.g. `matrix.kconfig.HIGHMEM[1]`; empty for the document. */
  path: string;
  message: string;
  hint?: string;
}

export function formatProblem(p: Problem): string {
  const where = `${p.file}:${p.line}:${p.col}`;
  const path = p.path ? `${p.path}: ` : '';
  const hint = p.hint ? ` (${p.hint})` : '';
  return `${where}: ${path}${p.message}${hint}`;
}

/** Bad input from the user (exit 2). Carries every problem found, not just the first. */
export class UserError extends Error {
  readonly exitCode: number = ExitCode.badInput;
  constructor(readonly problems: Problem[] | string) {
    super(typeof problems === 'string' ? problems : problems.map(formatProblem).join('\n'));
    this.name = 'UserError';
  }
}

/** The environment failed us: unwritable report dir, a backend that cannot start (exit 3). */
export class InfraError extends Error {
  readonly exitCode: number = ExitCode.infrastructure;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraError';
  }

  /** A file kmatrix must write (a log, a report) could not be: exit 3, the system's reason given. */
  static cannotWrite(file: string, err: unknown): InfraError {
    return new InfraError(`cannot write ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
}

/** Ctrl-C or SIGTERM ended a command before it had a result (exit 130). */
export class Interrupted extends Error {
  readonly exitCode: number = ExitCode.interrupted;
  constructor(message: string) {
    super(message);
    this.name = 'Interrupted';
  }
}
