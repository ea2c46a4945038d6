/**
 * `kmatrix bisect FILE --cell SEL --good REV --bad REV`: find the first bad commit of a cell,
 * (`kmatrix bisect --replay bisect.json` finds FILE, the cell and the ends in the record),
 * k commits per round on the pool, through the run engine's backend and result cache.
 * Writes <report dir>/bisect.json and prints a summary (or the JSON with --json).
 */
import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { BisectLogEntry, BisectReport } from '../bisect/driver.js';
import { ExitCode, InfraError, UserError } from '../errors.js';
import type { HeadStart } from './bisect-head-start.js';
import type { History } from '../history/types.js';
import type { WorktreePool } from '../history/worktrees.js';
import type { SignalHandling } from '../run/signals.js';
import type { CommandResult } from './main.js';
import { durationOption, intOption } from './options.js';

interface BisectOptions {
  cell?: string;
  good?: string;
  bad?: string;
  jobs?: number;
  repeat?: number;
  cache: boolean;
  reportDir?: string;
  json?: boolean;
  timeout?: number;
  replay?: string;
}

export function registerBisect(program: Command, result: CommandResult): void {
  program
    .command('bisect')
    .description(
      'find the first commit that breaks a cell: k-ary, skip-, signature- and flake-aware bisection',
    )
    .argument('[file]', 'matrix file (YAML) with a history (default with --replay: the one the record names)')
    .option('--cell <selector>', 'cell id, or axis=value pairs like arch=i386,kconfig.HIGHMEM=y')
    .option('--good <rev>', 'a commit where the cell passes (sha, tag, HEAD~n)')
    .option('--bad <rev>', 'a later commit where it fails')
    .option(
      '-j, --jobs <k>',
      'commits tested per round (k-ary search; 1 = binary search)',
      intOption('--jobs', 1),
    )
    .option(
      '--repeat <n>',
      'runs per tested commit, for flaky failures (default 1)',
      intOption('--repeat', 1),
    )
    .option('--no-cache', 'do not read or fill the result cache')
    .option('--report-dir <dir>', 'where bisect.json and the logs go (default reports/bisect-<cell>-<time>)')
    .option('--json', 'print bisect.json instead of the summary')
    .option('--timeout <duration>', 'per-run timeout (e.g. 30s, 10m)', durationOption('--timeout'))
    .option('--replay <file>', 'resume or replay a bisect.json (or its log array), like git bisect replay')
    .action(async (file: string | undefined, opts: BisectOptions) => {
      result.code = await runBisect(file, opts);
    });
}

async function runBisect(fileArg: string | undefined, opts: BisectOptions): Promise<number> {
  const replay = opts.replay ? await readReplay(opts.replay) : undefined;
  const selector = opts.cell ?? replay?.cell;
  const goodRev = opts.good ?? replay?.good;
  const badRev = opts.bad ?? replay?.bad;
  const file = fileArg ?? replay?.matrix;
  if (!file)
    throw new UserError('kmatrix bisect needs a matrix FILE (or --replay with a bisect.json that names one)');
  if (!selector || !goodRev || !badRev)
    throw new UserError(
      'kmatrix bisect needs --cell, --good and --bad (or --replay with a bisect.json that names them)',
    );
  // from here on worktrees may exist: Ctrl-C stops the bisection (before or between rounds) and cleans up
  const signals = (await import('../run/signals.js')).handleSignals(process.stderr);
  // git starts on the repository (history, worktrees) while Node loads the matrix code below
  const jobsFlag = opts.jobs ?? replay?.jobs;
  const headStart = replay
    ? undefined
    : import('./bisect-head-start.js')
        .then((m) =>
          m.startHeadStart(file, {
            good: goodRev,
            bad: badRev,
            ...(jobsFlag ? { jobs: jobsFlag } : {}),
            ...(opts.repeat ? { repeat: opts.repeat } : {}),
            worktreeRoot: path.resolve('.kmatrix', 'worktrees'),
          }),
        )
        .catch(() => undefined);
  let adopted: WorktreePool | undefined;
  try {
    return await bisectWith(
      file,
      opts,
      replay,
      { selector, goodRev, badRev },
      signals,
      headStart,
      (pool) => (adopted = pool),
    );
  } finally {
    signals.dispose();
    await (await headStart)?.dispose(adopted);
  }
}

async function bisectWith(
  file: string,
  opts: BisectOptions,
  replay: Replay | undefined,
  what: { selector: string; goodRev: string; badRev: string },
  signals: SignalHandling,
  headStart: Promise<HeadStart | undefined> | undefined,
  adopt: (pool: WorktreePool | undefined) => void,
): Promise<number> {
  const { selector, goodRev, badRev } = what;
  // loaded here, not at the top: every command module is imported for every command (start-up)
  const [
    { bisectCell, formatBisectSummary },
    { RepeatBackend },
    { makeBisectBackend, poolRunner, revertCheck },
    { describeCell, selectCell },
    { loadPlan },
    { safeFileName },
    { adoptable },
  ] = await Promise.all([
    import('../bisect/driver.js'),
    import('../bisect/driver-backends.js'),
    import('../bisect/driver-run.js'),
    import('../bisect/select.js'),
    import('../matrix/plan.js'),
    import('../run/log-files.js'),
    import('./bisect-head-start.js'),
  ]);
  const plan = await loadPlan(file);
  const history = plan.history;
  if (!history)
    throw new UserError(
      `${file}: bisect needs a history (history: histories/<file>.yaml or history: { git: <path> })`,
    );
  const cell = selectCell(plan.cells, selector);
  // both at once (a git call each when they are not full shas); --good's error is reported first
  const [goodR, badR] = await Promise.allSettled([
    revIndex(history, goodRev, '--good'),
    revIndex(history, badRev, '--bad'),
  ]);
  if (goodR.status === 'rejected') throw goodR.reason;
  if (badR.status === 'rejected') throw badR.reason;
  const [good, bad] = [goodR.value, badR.value];
  if (good >= bad)
    throw new UserError(
      `--good ${goodRev} must be older than --bad ${badRev} on the history's first-parent line`,
    );
  const jobs = opts.jobs ?? replay?.jobs ?? plan.settings.jobs ?? Math.min(4, availableParallelism());
  const repeat = opts.repeat ?? replay?.repeat ?? 1;
  const timeoutMs =
    opts.timeout ??
    (plan.backend.kind === 'command' ? plan.backend.timeoutMs : undefined) ??
    plan.settings.timeoutMs;
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const reportDir = path.resolve(
    opts.reportDir ?? path.join('reports', `bisect-${safeFileName(cell.id)}-${stamp}`),
  );
  const cache = opts.cache
    ? new (await import('../run/cache.js')).ResultCache(path.resolve('.kmatrix', 'cache'))
    : undefined;
  const worktrees = adoptable(await headStart, {
    source: history.source,
    jobs,
    commandBackend: history.kind === 'git' && plan.backend.kind === 'command',
  });
  const inner = await makeBisectBackend(plan, history, jobs, history, worktrees);
  // from here on the pool is closed with the backend, below
  adopt(worktrees);
  const backend = new RepeatBackend(inner);
  const say = (line: string) => {
    if (!opts.json) process.stderr.write(`${line}\n`);
  };
  say(
    `bisecting ${cell.id} (${describeCell(cell)}) from ${label(history, good)} to ${label(history, bad)}: ${bad - good} commits, ${jobs} per round`,
  );
  let report: BisectReport & { matrix?: string };
  try {
    report = await bisectCell({
      cell,
      history,
      good,
      bad,
      jobs,
      repeat,
      ...(replay?.log.length ? { replay: replay.log } : {}),
      signal: signals.stop,
      onRound: (round, probes) => {
        const list = (ps: typeof probes) =>
          ps
            .map(
              (p) =>
                `${history.commits[good + p.index]!.sha.slice(0, 12)}${p.purpose === 'verify' ? ' (again)' : ''}`,
            )
            .join(', ');
        const ends = probes.filter((p) => p.purpose === 'ends');
        const rest = probes.filter((p) => p.purpose !== 'ends');
        // the ends share round 0 with the first interior probes, which count only if the ends hold
        if (ends.length)
          say(
            `round ${round}: checking both ends: ${list(ends)}${rest.length ? `; testing ${list(rest)}` : ''}`,
          );
        else say(`round ${round}: testing ${list(rest)}`);
      },
      run: poolRunner(backend, {
        jobs,
        timeoutMs,
        reportDir,
        ...(cache ? { cache } : {}),
        signal: signals.stop,
        killSignal: signals.kill,
        onWarning: say,
      }),
      verify: async (culprit, state) =>
        revertCheck(plan, history, cell, culprit, bad, state.options.repeat, { timeoutMs, reportDir }),
    });
  } finally {
    await inner.close?.().catch(() => undefined);
  }
  report = { ...report, matrix: path.resolve(file) };
  const { writeFileAtomic } = await import('../report/io.js');
  try {
    writeFileAtomic(path.join(reportDir, 'bisect.json'), `${JSON.stringify(report, null, 2)}\n`);
  } catch (err) {
    throw InfraError.cannotWrite(path.join(reportDir, 'bisect.json'), err);
  }
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else
    process.stdout.write(
      `${formatBisectSummary(report, history)}\nreport: ${path.relative(process.cwd(), path.join(reportDir, 'bisect.json'))}\n`,
    );
  if (signals.stop.aborted) return ExitCode.interrupted;
  if (report.refused) {
    if (!opts.json) process.stderr.write(`kmatrix bisect: refusing: ${report.refused}\n`);
    return ExitCode.badInput;
  }
  return ExitCode.ok;
}

function label(history: History, i: number): string {
  const c = history.commits[i]!;
  return c.tags[0] ? `${c.tags[0]} (${c.sha.slice(0, 12)})` : c.sha.slice(0, 12);
}

async function revIndex(history: History, rev: string, flag: string): Promise<number> {
  if (history.kind === 'git') return (await import('../history/git.js')).resolveGitRevIndex(history, rev);
  const { resolveRev } = await import('../history/revs.js');
  const r = resolveRev(history, rev);
  if (!r.ok) throw new UserError(`${flag} ${rev}: ${r.message}${r.hint ? ` (${r.hint})` : ''}`);
  return r.index;
}

interface Replay {
  matrix?: string;
  cell?: string;
  good?: string;
  bad?: string;
  jobs?: number;
  repeat?: number;
  log: BisectLogEntry[];
}

async function readReplay(file: string): Promise<Replay> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UserError(
      `--replay ${file}: cannot read it as JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`,
    );
  }
  const obj = Array.isArray(value) ? { log: value } : (value as Record<string, unknown> | null);
  const log = obj?.log;
  if (!Array.isArray(log))
    throw new UserError(`--replay ${file}: expected a bisect.json or an array of { round, commit, status }`);
  const problems: string[] = [];
  log.forEach((e: unknown, i) => {
    const x = e as Partial<BisectLogEntry> | null;
    if (
      !x ||
      typeof x.round !== 'number' ||
      typeof x.commit !== 'string' ||
      !['good', 'bad', 'skip', 'mismatch'].includes(String(x.status))
    ) {
      problems.push(
        `${file}: log[${i}]: expected { round: number, commit: sha, status: good|bad|skip|mismatch }`,
      );
    } else if (
      x.runs !== undefined &&
      !(['pass', 'fail', 'other', 'skip'] as const).every(
        (k) => Number.isInteger(x.runs?.[k]) && x.runs![k] >= 0,
      )
    ) {
      problems.push(`${file}: log[${i}].runs: expected { pass, fail, other, skip } counts`);
    }
  });
  if (problems.length) throw new UserError(problems.join('\n'));
  const str = (k: string) => (typeof obj?.[k] === 'string' ? (obj[k] as string) : undefined);
  const out: Replay = { log: log as BisectLogEntry[] };
  for (const k of ['matrix', 'cell', 'good', 'bad'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  for (const k of ['jobs', 'repeat'] as const) {
    const v = obj?.[k];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1) out[k] = v;
  }
  return out;
}
