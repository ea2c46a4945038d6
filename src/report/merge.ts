/**
 * Merging shard runs into one: the same cells, statuses and signatures as running the matrix
 * whole, the summary recomputed. Runs of different matrices, or one cell with different
 * results in two shards, are refused.
 */
import { closeSync, constants, copyFileSync, existsSync, openSync, rmSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { PACK_FILE, PackLayout, parseLogRef } from './log-pack.js';
import { WRITE_NO_FOLLOW } from '../util/buffered-file.js';
import { makeDirs } from '../util/make-dirs.js';
import { writeAllSync } from '../util/write-all.js';
import { readBytes } from './io.js';
import { RunLogs } from './log-ref.js';
import { checkCoverage } from './shard-check.js';
import type { LoadedRun } from './load.js';
import { endReason, summarize } from './summary.js';
import type { CellResult, RunReport } from './schema.js';
import type { RunEndReason, RunStart } from './types.js';

export interface MergedRun {
  start: RunStart;
  cellEnds: CellResult[];
  report: RunReport;
  reason: RunEndReason;
  /** Logs to copy: absolute source -> path relative to the merged run folder; a packed log
   *  (log-pack.ts) is a byte range of its source, appended with `header` to the merged pack. */
  /** Why the runs could not be checked to cover their plan exactly once (shards of an older kmatrix). */
  unchecked?: string;
  logs: Array<{ from?: string; to: string; range?: { start: number; end: number; header: string } }>;
}

/** Two results of one cell agree when everything but timing and caching agrees. */
function sameResult(a: CellResult, b: CellResult): boolean {
  return (
    a.status === b.status &&
    (a.signature ?? '') === (b.signature ?? '') &&
    a.commit === b.commit &&
    a.arch === b.arch
  );
}

type Kept = Map<string, { cell: CellResult; run: LoadedRun }>;

/** Each cell's result, from the first run that has it; runs that disagree on a cell are refused. */
function keptResults(ordered: readonly LoadedRun[]): Kept {
  const kept: Kept = new Map();
  const conflicts: string[] = [];
  const show = (c: CellResult) => `${c.status}${c.signature ? ` "${c.signature}"` : ''}`;
  for (const run of ordered) {
    for (const cell of run.report.cells) {
      const prev = kept.get(cell.id);
      if (!prev) kept.set(cell.id, { cell, run });
      else if (!sameResult(prev.cell, cell)) {
        const where = `${show(prev.cell)} in ${prev.run.dir}, ${show(cell)} in ${run.dir}`;
        conflicts.push(`merge: cell ${cell.id} has different results: ${where}`);
      }
    }
  }
  if (conflicts.length)
    throw new UserError(
      conflicts.slice(0, 20).join('\n') +
        (conflicts.length > 20 ? `\n... and ${conflicts.length - 20} more` : ''),
    );
  return kept;
}

/** The merged cell order: a plan that lists every merged cell gives the whole run's; else shard order. */
function mergedOrder(ordered: readonly LoadedRun[], kept: Kept): string[] {
  const covers = (ids: string[]) => {
    const set = new Set(ids);
    return [...kept.keys()].every((id) => set.has(id));
  };
  const full = ordered
    .map((r) => r.start.cells.map((c) => c.id))
    .find((ids) => ids.length >= kept.size && covers(ids));
  return full ? full.filter((id) => kept.has(id)) : [...kept.keys()];
}

/** The merged cells, their log references placed anew (packed logs in the merged order), and what to copy. */
function placeLogs(runs: readonly LoadedRun[], kept: Kept, ids: readonly string[]) {
  const layout = new PackLayout();
  const logs: MergedRun['logs'] = [];
  const runLogs = new Map(runs.map((r) => [r, new RunLogs(r.dir)]));
  const cells = ids.map((id) => {
    const { cell, run } = kept.get(id)!;
    if (!cell.log) return cell;
    // loadRun checked the reference; it is resolved again here, by its real path
    const from = runLogs.get(run)!.resolve(cell.log);
    if (typeof from === 'string') throw new UserError(`merge: ${run.dir}: cell ${cell.id}: ${from}`);
    const ref = parseLogRef(cell.log);
    if (ref.start === undefined) {
      if (from.path) logs.push({ from: from.path, to: cell.log });
      return cell;
    }
    // the bytes that are there: a killed shard's last packed logs may never have been written
    const { header, ref: log } = layout.place(cell.id, from.end - from.start);
    logs.push({ from: from.path, to: PACK_FILE, range: { start: from.start, end: from.end, header } });
    return { ...cell, log };
  });
  return { cells, logs };
}

export function mergeRuns(runs: readonly LoadedRun[], outDir: string): MergedRun {
  if (runs.length === 0) throw new UserError('merge: no run folders given');
  const matrices = [...new Set(runs.map((r) => r.report.matrix))];
  if (matrices.length > 1) {
    const which = runs.map((r) => `${r.report.matrix} (${r.dir})`).join(', ');
    throw new UserError(`merge: the runs are of different matrices: ${which}`);
  }
  const coverage = checkCoverage(runs);
  // shards in shard order, so the merged order is the whole run's when each shard kept plan order
  const ordered = [...runs].sort((a, b) => (a.report.shard?.index ?? 0) - (b.report.shard?.index ?? 0));
  const kept = keptResults(ordered);
  const { cells, logs } = placeLogs(runs, kept, mergedOrder(ordered, kept));

  const first = ordered[0]!;
  const interrupted = runs.some((r) => r.report.interrupted);
  const startedAt = runs.map((r) => r.report.startedAt).sort()[0]!;
  const axes = first.report.axes ?? first.start.axes;
  const summary = summarize(cells);
  const planHash = coverage.planHash ? { planHash: coverage.planHash } : {};
  const report: RunReport = {
    version: 1,
    matrix: first.report.matrix,
    ...(first.report.file ? { file: first.report.file } : {}),
    startedAt,
    // shards run side by side: the merged run took as long as the slowest one
    durationMs: Math.max(...runs.map((r) => r.report.durationMs)),
    interrupted,
    summary,
    cells,
    axes,
    ...planHash,
    // the shards of one plan (checkCoverage) are slices of one sample
    ...(first.report.sample ? { sample: first.report.sample } : {}),
  };
  // every shard lists the commits of the whole plan
  const commits = ordered.find((r) => r.report.commits)?.report.commits;
  if (commits) report.commits = commits;
  const file = report.file ?? first.start.file;
  const start: RunStart = { matrix: report.matrix, file, reportDir: resolve(outDir), startedAt, cells, axes };
  Object.assign(start, planHash);
  const executed = new Set(runs.flatMap((r) => r.cellEnds.map((c) => c.id)));
  const cellEnds = cells.filter((c) => executed.has(c.id));
  const reason = endReason(summary, interrupted);
  return {
    start,
    cellEnds,
    report,
    reason,
    logs,
    ...(coverage.unchecked ? { unchecked: coverage.unchecked } : {}),
  };
}

/**
 * Copy the kept cells' logs into the merged run folder (missing logs are skipped; a missing packed
 * log leaves its range blank).
 */
export function copyLogs(outDir: string, logs: MergedRun['logs']): number {
  let copied = 0;
  let pack: number | undefined;
  try {
    for (const { from, to, range } of logs) {
      const dest = resolve(outDir, to);
      // a log path must stay inside the run folder
      if (relative(resolve(outDir), dest).startsWith('..')) continue;
      if (range) {
        // every placed range is written, so the offsets the merged report names hold
        const length = range.end - range.start;
        const body = Buffer.alloc(length, ' ');
        if (from && existsSync(from)) readBytes(from, range.start, length).copy(body);
        if (pack === undefined) {
          makeDirs(dirname(dest));
          pack = openSync(dest, WRITE_NO_FOLLOW, 0o666);
        }
        writeAllSync(pack, Buffer.concat([Buffer.from(range.header), body, Buffer.from('\n')]));
        copied++;
        continue;
      }
      if (!from || !existsSync(from) || resolve(from) === dest) continue;
      makeDirs(dirname(dest));
      // a link at dest is replaced, not written through
      rmSync(dest, { force: true });
      copyFileSync(from, dest, constants.COPYFILE_EXCL);
      copied++;
    }
  } finally {
    if (pack !== undefined) closeSync(pack);
  }
  return copied;
}
