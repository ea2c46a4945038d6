import type { Command } from 'commander';
import type { CommandResult } from './main.js';
import { registerPlan } from './plan.js';
import { registerSchema } from './schema.js';
import { registerReport } from './report.js';
import { registerMerge } from './merge.js';
import { registerRun } from './run.js';
import { registerBaseline } from './baseline.js';
import { registerBisect } from './bisect.js';
import { registerBisectConfig } from './bisect-config.js';
import { registerExplain } from './explain.js';
import { registerSim } from './sim.js';

/** Every command module registers itself here: one line per command. */
export const commands: Array<(program: Command, result: CommandResult) => void> = [registerPlan, registerSchema, registerReport, registerMerge, registerBisect, registerBisectConfig, registerExplain, registerRun, registerBaseline, registerSim];
