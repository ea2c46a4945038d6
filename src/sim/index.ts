/**
 * The embedded simulator: a model of Linux memory bring-up. `simulate` is pure and
 * deterministic; the verdict emerges from modelled state, never from commit ids or axis values.
 */
import { boot, type BootRun } from './boot.js';
import { BootCache } from './boot-cache.js';
import { firedRule } from './inject.js';
import { KernelLog } from './log.js';
import { extractSignature, normaliseSignature } from './signature.js';
import type { SimInput, SimResult } from './types.js';
import { devdax, dmaAlloc, hotplug, kpageflags, type WorkloadResult } from './workloads.js';

export { defaultMachine, SIM_ARCHES } from './arch.js';
export { parseBootParams, memparse } from './bootparams.js';
export type { BootParams, ParsedBootParams, MemmapEntry } from './bootparams.js';
export { explainCell } from './explain.js';
export { extractSignature, normaliseSignature } from './signature.js';
export { SWITCHES, switchesSchema, injectRuleSchema, defaultSwitches, foldSwitches } from './switches.js';
export type { SwitchInfo, ModelSwitches } from './switches.js';
export type { SimInput, SimResult, InjectRule, BootParamProblem, Switches } from './types.js';

/** Part of the result cache key: bump whenever any verdict or log byte can change. */
export const MODEL_VERSION = 'sim-1';

const WORKLOADS: Record<string, (s: Parameters<typeof kpageflags>[0], release: string) => WorkloadResult> = {
  boot: () => ({ verdict: 'pass', lines: [] }),
  'dma-alloc': dmaAlloc,
  kpageflags,
  hotplug,
  devdax,
};

export function simulate(input: SimInput): SimResult {
  return simulateWith(boot, input);
}

/**
 * A simulate() for many cells: boots shared by cells that differ only in what runs after boot
 * are simulated once (see boot-cache.ts). Same results as simulate().
 */
export function createSimulator(boots?: number): (input: SimInput) => SimResult {
  const cache = new BootCache(boots);
  return (input) => simulateWith((i) => cache.boot(i), input);
}

function simulateWith(bootOf: (input: SimInput) => BootRun, input: SimInput): SimResult {
  if (input.buildBroken) {
    const log = new KernelLog();
    const { sha, subject } = input.commit;
    log.line(`kmatrix-sim: commit ${sha.slice(0, 12)} ("${subject}") does not build; the cell is untestable`);
    return { verdict: 'skip', log: log.text() };
  }
  const run = bootOf(input);
  const { log } = run;
  let verdict: SimResult['verdict'] = run.failed ? 'fail' : 'pass';
  if (!run.failed) {
    const workload = WORKLOADS[input.workload];
    const result = workload
      ? workload(run.state, run.release)
      : { verdict: 'skip' as const, lines: [`kmatrix-sim: unknown workload "${input.workload}"`] };
    if (result.waitSeconds) log.advance(result.waitSeconds);
    log.lines_(result.lines);
    verdict = result.verdict;
  }
  let injected: string | undefined;
  if (verdict === 'pass') {
    const rule = firedRule(run.state.sw.inject, {
      axes: input.axes,
      sha: input.commit.sha,
      attempt: input.attempt,
      seed: input.seed,
    });
    if (rule) {
      log.line(rule.fail);
      injected = rule.fail;
      verdict = 'fail';
    }
  }
  const text = log.text();
  const signature =
    verdict === 'fail' ? (extractSignature(text) ?? (injected && normaliseSignature(injected))) : undefined;
  return signature ? { verdict, signature, log: text } : { verdict, log: text };
}
