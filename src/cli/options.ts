/** Option parsers shared by commands: bad values are user errors (exit 2), never stack traces. */
import { InvalidArgumentError } from 'commander';
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
