/**
 * `kmatrix sim`: run one cell through the simulator from flags and print its log.
 * Exit 0 pass, 1 fail, 125 skip (what `git bisect run` expects); bad flags exit 2.
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { resolveRev } from '../history/revs.js';
import { isKnownSymbol, resolveKconfig } from '../kconfig/declared.js';
import { ARCHES, type Arch, type Tristate } from '../matrix/types.js';
import { formatSize, parseSize } from '../matrix/units.js';
import type { SimInput } from '../sim/index.js';
import type { CommandResult } from './main.js';
import { intOption } from './options.js';

interface SimOptions {
  arch: string;
  kconfig?: string;
  boot: string;
  workload: string;
  commit?: string;
  history?: string;
  machine?: string;
  explain?: boolean;
  seed: number;
  attempt: number;
}

const EXIT = { pass: 0, fail: 1, skip: 125 } as const;

export function registerSim(program: Command, result: CommandResult): void {
  program
    .command('sim')
    .description(
      'run one cell through the embedded simulator and print its log (exit 0 pass, 1 fail, 125 skip)',
    )
    .requiredOption('--arch <arch>', `one of ${ARCHES.join(', ')}`)
    .option('--kconfig <list>', 'requested Kconfig values, e.g. HIGHMEM=y,CMA=y')
    .option('--boot <cmdline>', 'kernel command line', '')
    .option('--workload <name>', 'boot, dma-alloc, kpageflags, hotplug or devdax', 'boot')
    .option('--history <file>', 'a simulated history (matrices/histories/*.yaml)')
    .option('--commit <rev>', 'sha, tag, HEAD or REV~N in the history (default HEAD)')
    .option('--machine <spec>', 'memory=8G,nodes=2 (default: the arch default)')
    .option('--explain', 'also print the memory map, node and zone spans, CMA areas and struct page state')
    .option('--seed <n>', 'seed for injected flakes', intOption('--seed'), 0)
    .option('--attempt <n>', 'attempt number for injected flakes', intOption('--attempt'), 0)
    .action(async (opts: SimOptions) => {
      // loaded here, not at the top: help imports every command module (start-up)
      const sim = await import('../sim/index.js');
      const input = await buildInput(opts, sim);
      const { simulate, explainCell } = sim;
      const r = simulate(input);
      process.stdout.write(r.log);
      if (opts.explain) process.stdout.write(`\n--- explain ---\n${explainCell(input)}`);
      if (r.signature) process.stdout.write(`\nsignature: ${r.signature}\n`);
      process.stdout.write(`verdict: ${r.verdict}\n`);
      result.code = EXIT[r.verdict];
    });
}

function parseKconfig(list: string | undefined): Record<string, Tristate> {
  const out: Record<string, Tristate> = {};
  for (const item of (list ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^(?:CONFIG_)?([A-Z0-9_]+)=([yn])$/.exec(item);
    if (!m) throw new UserError(`--kconfig: "${item}" is not SYMBOL=y or SYMBOL=n`);
    if (!isKnownSymbol(m[1]!)) throw new UserError(`--kconfig: unknown Kconfig symbol ${m[1]}`);
    out[m[1]!] = m[2] as Tristate;
  }
  return out;
}

function parseMachine(
  spec: string | undefined,
  arch: Arch,
  defaultMachine: SimModule['defaultMachine'],
): { memory: number; nodes: number } {
  const machine = defaultMachine(arch);
  for (const item of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [key, value = ''] = item.split('=');
    if (key === 'memory' && parseSize(value) !== undefined) machine.memory = parseSize(value)!;
    else if (key === 'nodes' && /^[1-9]\d*$/.test(value) && Number(value) <= 64)
      machine.nodes = Number(value);
    else throw new UserError(`--machine: "${item}" is not memory=<size> or nodes=<1-64>`);
  }
  return machine;
}

type SimModule = typeof import('../sim/index.js');

async function buildInput(
  opts: SimOptions,
  { defaultMachine, parseBootParams }: SimModule,
): Promise<SimInput> {
  if (!(ARCHES as readonly string[]).includes(opts.arch))
    throw new UserError(`--arch: unknown arch "${opts.arch}" (one of ${ARCHES.join(', ')})`);
  const arch = opts.arch as Arch;
  const requested = parseKconfig(opts.kconfig);
  const machine = parseMachine(opts.machine, arch, defaultMachine);
  const boot = parseBootParams(opts.boot, arch);
  if (boot.problems.length) {
    throw new UserError(
      boot.problems.map((p) => ({
        file: '--boot',
        line: 1,
        col: p.offset + 1,
        path: '',
        message: `${p.param}: ${p.message}`,
        ...(p.hint ? { hint: p.hint } : {}),
      })),
    );
  }
  let commit: SimInput['commit'] = { sha: 'HEAD', subject: 'no history: every switch at its default' };
  let switches: Record<string, unknown> = {};
  let buildBroken = false;
  let exists = (_sym: string) => true;
  if (opts.history) {
    let text: string;
    try {
      text = await readFile(opts.history, 'utf8');
    } catch (err) {
      throw new UserError(`--history: cannot read ${opts.history}: ${(err as Error).message}`);
    }
    const { parseSimHistory } = await import('../history/sim-history.js');
    const parsed = parseSimHistory(opts.history, text);
    if (!parsed.ok) throw new UserError(parsed.problems);
    const rev = resolveRev(parsed.history, opts.commit ?? 'HEAD');
    if (!rev.ok) throw new UserError(`--commit: ${rev.message}${rev.hint ? ` (${rev.hint})` : ''}`);
    const state = parsed.history.stateAt(rev.index);
    commit = { sha: state.sha, subject: state.subject, ...(state.version ? { version: state.version } : {}) };
    switches = state.switches;
    buildBroken = state.buildBroken;
    exists = (sym) => state.symbolNames[sym] !== null;
  } else if (opts.commit) throw new UserError('--commit needs --history');
  const resolution = resolveKconfig(arch, requested, exists);
  if (resolution.reasons.length)
    throw new UserError(`--kconfig: the cell is invalid: ${resolution.reasons.join('; ')}`);
  const config = Object.fromEntries(Object.entries(resolution.resolved).map(([k, v]) => [k, v === 'y']));
  const axes: Record<string, string> = { arch };
  for (const [sym, v] of Object.entries(requested)) axes[`kconfig.${sym}`] = v;
  Object.assign(axes, {
    boot: opts.boot,
    workload: opts.workload,
    memory: formatSize(machine.memory),
    nodes: String(machine.nodes),
    commit: opts.commit ?? 'HEAD',
  });
  return {
    arch,
    config,
    boot: opts.boot,
    workload: opts.workload,
    machine,
    commit,
    switches,
    axes,
    attempt: opts.attempt,
    seed: opts.seed,
    ...(buildBroken ? { buildBroken } : {}),
  };
}
