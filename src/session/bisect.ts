/**
 * `kmatrix bisect` as a session's job: select the cell, resolve --good and --bad on the
 * history, run the driver's rounds through the session's probe backend and cache, check the
 * culprit by revert, and write bisect.json into the session's report folder.
 */
import path from 'node:path';
import { formatBisectSummary, bisectCell, type BisectReport } from '../bisect/driver.js';
import type { Replay } from '../bisect/replay.js';
import { describeCell, selectCell } from '../bisect/select.js';
import { InfraError, UserError } from '../errors.js';
import type { History } from '../history/types.js';
import { writeFileAtomic } from '../report/io.js';
import { probeRunner, revertCheck } from './bisect-runs.js';
import type { Session } from './session.js';

export interface BisectRequest {
  /** --cell: an id or axis=value pairs; absent: the matrix's only runnable configuration. */
  selector?: string;
  good: string;
  bad: string;
  repeat: number;
  replay?: Replay;
  /** Progress lines for a person (stderr); a no-op with --json. */
  say(line: string): void;
}

export interface BisectOutcome {
  report: BisectReport & { matrix: string };
  /** The record's path and the summary a person reads. */
  file: string;
  summary: string;
}

export async function bisectCommit(session: Session, req: BisectRequest): Promise<BisectOutcome> {
  const { plan, settings } = session;
  const history = plan.history;
  if (!history)
    throw new UserError(
      `${plan.file}: bisect needs a history (history: histories/<file>.yaml or history: { git: <path> })`,
    );
  const cell = selectCell(plan.cells, req.selector);
  // both at once (a git call each when they are not full shas); --good's error is reported first
  const [goodR, badR] = await Promise.allSettled([
    revIndex(history, req.good, '--good'),
    revIndex(history, req.bad, '--bad'),
  ]);
  if (goodR.status === 'rejected') throw goodR.reason;
  if (badR.status === 'rejected') throw badR.reason;
  const [good, bad] = [goodR.value, badR.value];
  if (good >= bad)
    throw new UserError(
      `--good ${req.good} must be older than --bad ${req.bad} on the history's first-parent line`,
    );
  const jobs = settings.jobs;
  const reportDir = session.reportDir({ command: 'bisect', cell: cell.id });
  req.say(
    `bisecting ${cell.id} (${describeCell(cell)}) from ${label(history, good)} to ${label(history, bad)}: ` +
      `${bad - good} commits, ${jobs} per round`,
  );
  const sha = (p: { index: number }) => history.commits[good + p.index]!.sha.slice(0, 12);
  const found = await bisectCell({
    cell,
    history,
    good,
    bad,
    jobs,
    repeat: req.repeat,
    ...(req.replay?.log.length ? { replay: req.replay.log } : {}),
    signal: session.signals.stop,
    onRound: (round, probes) => {
      const list = (ps: typeof probes) =>
        ps.map((p) => `${sha(p)}${p.purpose === 'verify' ? ' (again)' : ''}`).join(', ');
      const ends = probes.filter((p) => p.purpose === 'ends');
      const rest = probes.filter((p) => p.purpose !== 'ends');
      // the ends share round 0 with the first interior probes, which count only if the ends hold
      if (ends.length)
        req.say(
          `round ${round}: checking both ends: ${list(ends)}${rest.length ? `; testing ${list(rest)}` : ''}`,
        );
      else req.say(`round ${round}: testing ${list(rest)}`);
    },
    run: probeRunner(session),
    verify: (culprit, state) => revertCheck(session, { cell, culprit, bad, repeat: state.options.repeat }),
  });
  const report = { ...found, matrix: path.resolve(plan.file) };
  const file = path.join(reportDir, 'bisect.json');
  try {
    writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  } catch (err) {
    throw InfraError.cannotWrite(file, err);
  }
  return { report, file, summary: formatBisectSummary(report, history) };
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
