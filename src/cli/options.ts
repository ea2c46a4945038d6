/** Option parsers shared by commands: bad values are user errors (exit 2), never stack traces. */
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../matrix/units.js';

export function intOption(name: string, min = 0) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min)
      throw new InvalidArgumentError(`${name} needs an integer >= ${min}, got "${value}"`);
    return Number(value);
  };
}

export function durationOption(name: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined)
      throw new InvalidArgumentError(`${name} needs a duration like 30s, 10m or 1h, got "${value}"`);
    return ms;
  };
}

/** `--sample t`, `--sample-seed n`, `--no-sample` as they reach the plan (see PlanOptions.sample). */
export interface SampleFlags {
  /** false with --no-sample. */
  sample?: number | false;
  sampleSeed?: number;
}

/** Registers the sampling flags on a command that plans a matrix. */
export function sampleOptions(command: Command): Command {
  return command
    .option(
      '--sample <t>',
      'a covering array of strength t of the matrix (overrides its sample:)',
      intOption('--sample', 1),
    )
    .option(
      '--sample-seed <n>',
      "seed of the sample (default: the matrix's, else 0)",
      intOption('--sample-seed'),
    )
    .option('--no-sample', 'every cell, even when the matrix has a sample:');
}

/** The plan's sampling overrides from the flags. */
export function sampleRequest(flags: SampleFlags): { strength?: number; seed?: number } | false | undefined {
  if (flags.sample === false) return false;
  if (flags.sample === undefined && flags.sampleSeed === undefined) return undefined;
  return {
    ...(flags.sample !== undefined ? { strength: flags.sample } : {}),
    ...(flags.sampleSeed !== undefined ? { seed: flags.sampleSeed } : {}),
  };
}
