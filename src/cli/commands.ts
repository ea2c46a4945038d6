import type { Command } from 'commander';
import type { CommandResult } from './main.js';

export type Register = (program: Command, result: CommandResult) => void;

/**
 * Every command, in help order: its name and how to load the module that registers it. One
 * line per command. Loaded on demand: `kmatrix plan` registers (and loads) plan only; help,
 * a bad command name and the like load them all (start-up time, see bin/kmatrix.js).
 */
export const commands: ReadonlyArray<readonly [string, () => Promise<Register>]> = [
  ['plan', async () => (await import('./plan.js')).registerPlan],
  ['config', async () => (await import('./config.js')).registerConfig],
  ['schema', async () => (await import('./schema.js')).registerSchema],
  ['report', async () => (await import('./report.js')).registerReport],
  ['merge', async () => (await import('./merge.js')).registerMerge],
  ['bisect', async () => (await import('./bisect.js')).registerBisect],
  ['bisect-config', async () => (await import('./bisect-config.js')).registerBisectConfig],
  ['explain', async () => (await import('./explain.js')).registerExplain],
  ['run', async () => (await import('./run.js')).registerRun],
  ['baseline', async () => (await import('./baseline.js')).registerBaseline],
  ['sim', async () => (await import('./sim.js')).registerSim],
];
