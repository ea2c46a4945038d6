/**
 * CLI entry: builds the commander program from one module per command, runs it, and maps
 * every error to an exit code in one place.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode, InfraError, Interrupted, UserError } from '../errors.js';
import { escapeControl } from '../util/control.js';
import { commands } from './commands.js';

// two folders up from dist/cli/main.js and from the bundle, dist/bundle/kmatrix.cjs
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** Set by a command to report its own exit status (commander actions return nothing). */
export interface CommandResult {
  code: number;
}

/**
 * The program with just the command `argv` names (a command does not pay for loading the
 * others: start-up time), or with every command when it names none: help, a typo and no
 * arguments at all list or suggest them all.
 */
export async function buildProgram(result: CommandResult, argv: readonly string[]): Promise<Command> {
  const program = new Command('kmatrix')
    .description(
      'Declarative config-matrix test runner with bisection for Linux-kernel-style configuration testing',
    )
    .version(version, '-V, --version')
    .showHelpAfterError('(run "kmatrix help" for usage)')
    .exitOverride();
  const named = commands.filter(([name]) => name === argv[2]);
  const registers = await Promise.all((named.length ? named : commands).map(([, load]) => load()));
  for (const register of registers) register(program, result);
  return program;
}

/**
 * `kmatrix plan --json | head` closes the pipe early: the reader has what it wanted, which is
 * not an error. Any other write error on stdout is.
 */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const result: CommandResult = { code: ExitCode.ok };
  try {
    const program = await buildProgram(result, argv);
    await program.parseAsync(argv);
    return result.code;
  } catch (err) {
    return reportError(err);
  }
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // help and version exit through here with code 0; usage errors are bad input
    if (err.exitCode === 0) return ExitCode.ok;
    return ExitCode.badInput;
  }
  // messages quote values from files, logs and reporter code: their escapes shown, never obeyed
  const show = (text: string) => escapeControl(text, true);
  if (err instanceof UserError) {
    process.stderr.write(`${show(err.message)}\n`);
    return err.exitCode;
  }
  if (err instanceof InfraError || err instanceof Interrupted) {
    process.stderr.write(`kmatrix: ${show(err.message)}\n`);
    return err.exitCode;
  }
  const stack = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(
    `kmatrix: internal error, please report it with the command you ran:\n${show(stack)}\n`,
  );
  return ExitCode.infrastructure;
}
