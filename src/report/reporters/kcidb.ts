/**
 * kcidb.json: a run in KernelCI's KCIDB I/O schema v5.3, for `kcidb-submit`. A checkout per commit,
 * a build per commit x arch x requested Kconfig, a test per cell, and each `--bisect` regression as
 * an issue with one incident per cell it was seen on.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { UserError } from '../../errors.js';
import type { ReporterContext } from '../context.js';
import { readLogTail, writeFileAtomic } from '../io.js';
import type { CellResult, CommitInfo, RunReport, Status } from '../schema.js';
import type { Reporter } from '../types.js';

export const KCIDB_FILE = 'kcidb.json';
/** The schema version written: the newest kcidb-io knows (kcidb_io/schema/v05_03.py). */
export const KCIDB_VERSION = { major: 5, minor: 3 } as const;
export const DEFAULT_ORIGIN = 'kmatrix';
/** Environment variable naming the origin (the CI system name KernelCI agreed with a submitter). */
export const ORIGIN_ENV = 'KMATRIX_KCIDB_ORIGIN';
/** KCIDB's origin pattern. */
const ORIGIN = /^[a-z0-9_]+$/;
/** KCIDB's cap on a log excerpt, in characters. */
const MAX_EXCERPT = 16_384;

/** A KCIDB test or build status. */
export type KcidbStatus = 'FAIL' | 'ERROR' | 'MISS' | 'PASS' | 'DONE' | 'SKIP';

/**
 * kmatrix statuses as KCIDB ones. flaky passed in the end (misc says it was flaky); error is
 * kmatrix's own infrastructure, so the test did not run (MISS); a timeout did not complete
 * (ERROR). Invalid cells (Kconfig cannot give that configuration) and duplicates (the same
 * resolved configuration as another cell, not run again) did not run because they do not apply:
 * SKIP, with the reason in the comment, so every cell of the plan has its test.
 */
export const KCIDB_STATUS: Record<Status, KcidbStatus> = {
  pass: 'PASS',
  fail: 'FAIL',
  flaky: 'PASS',
  skip: 'SKIP',
  invalid: 'SKIP',
  duplicate: 'SKIP',
  error: 'MISS',
  timeout: 'ERROR',
};

type Json = Record<string, unknown>;

/** What rendering needs besides the report: the origin and a reader of a cell's log excerpt. */
export interface KcidbOptions {
  origin: string;
  excerpt: (cell: CellResult) => string;
}

/** The origin from the environment, checked against KCIDB's pattern. */
export function kcidbOrigin(env: Record<string, string | undefined>): string {
  const origin = env[ORIGIN_ENV] || DEFAULT_ORIGIN;
  if (!ORIGIN.test(origin))
    throw new UserError(`${ORIGIN_ENV}: "${origin}" is not a KCIDB origin (lower-case letters, digits, _)`);
  return origin;
}

const short = (sha: string) => sha.slice(0, 12);
const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);
/** KCIDB strings may hold anything but NUL. */
const noNul = (s: string) => s.replace(/\u0000/g, '');

/** A dot-separated KCIDB path from a workload name: "/" and "." separate, other characters become "_". */
export function testPath(workload: string): string {
  return workload
    .split(/[/.]/)
    .map((part) => part.replace(/[^a-zA-Z0-9_-]/g, '_'))
    .filter(Boolean)
    .join('.');
}

/** "HIGHMEM=y,CMA=n" (as the matrix asked), or "defconfig" when it asked for nothing. */
export function configName(kconfig: Record<string, string>): string {
  const set = Object.entries(kconfig).map(([k, v]) => `${k}=${v}`);
  return set.length ? set.join(',') : 'defconfig';
}

/** KCIDB's architecture pattern: lower-case letters, digits and "_". */
const architecture = (arch: string) => arch.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** Ids of one run: `<origin>:<matrix>@<start>/...`, so a re-run is new objects, not an overwrite. */
function idMaker(origin: string, report: RunReport) {
  const run = noNul(`${origin}:${report.matrix}@${report.startedAt}`);
  return {
    checkout: (sha: string) => `${run}/${sha}`,
    build: (c: CellResult) => `${run}/${short(c.commit)}/${c.arch}/${configName(c.kconfig)}`,
    test: (c: CellResult) => `${run}/${c.id}`,
    // one issue per matrix and signature across runs: a later run's finding supersedes (version)
    issue: (signature: string) => noNul(`${origin}:${report.matrix}/${digest(signature)}`),
    incident: (c: CellResult, signature: string) => `${run}/${c.id}/${digest(signature)}`,
  };
}

/** The commits the cells test: the report's list (history order, tags) or the cells' own. */
function commitsOf(report: RunReport): CommitInfo[] {
  if (report.commits?.length) return report.commits;
  const shas = [...new Set(report.cells.map((c) => c.commit))];
  return shas.map((sha) => ({ sha, subject: '', tags: [] }));
}

function checkout(commit: CommitInfo, id: string, origin: string, report: RunReport): Json {
  return {
    id,
    origin,
    ...(/^[0-9a-f]{40}$/.test(commit.sha) ? { git_commit_hash: commit.sha } : {}),
    ...(commit.tags.length ? { git_commit_name: commit.tags[0], git_commit_tags: commit.tags } : {}),
    ...(commit.subject ? { comment: noNul(commit.subject) } : {}),
    start_time: report.startedAt,
    valid: true,
    misc: {
      matrix: report.matrix,
      commit: commit.sha,
      ...(commit.version ? { version: commit.version } : {}),
    },
  };
}

function build(c: CellResult, ids: ReturnType<typeof idMaker>, origin: string, startedAt: string): Json {
  return {
    id: ids.build(c),
    checkout_id: ids.checkout(c.commit),
    origin,
    architecture: architecture(c.arch),
    config_name: noNul(configName(c.kconfig)),
    start_time: startedAt,
    misc: { arch: c.arch, kconfig: c.kconfig },
  };
}

/** Why a cell that did not pass or fail ended as it did, for the test's comment. */
function comment(c: CellResult): string | undefined {
  if (c.status === 'duplicate') return `duplicate of ${c.duplicateOf ?? 'another cell'}: not run again`;
  if (c.status === 'invalid') return `invalid configuration${c.reason ? `: ${c.reason}` : ''}`;
  if (c.status === 'flaky')
    return `flaky: passed after ${c.attempts} attempts; failed first with ${c.signature}`;
  return c.signature ?? c.reason;
}

function test(c: CellResult, ids: ReturnType<typeof idMaker>, opts: KcidbOptions): Json {
  const note = comment(c);
  const excerpt = c.status === 'pass' ? '' : noNul(opts.excerpt(c)).slice(-MAX_EXCERPT);
  const environment = {
    comment: noNul(`${c.arch} ${configName(c.kconfig)} boot: ${c.boot || '(none)'}`),
    misc: { arch: c.arch, kconfig: c.kconfig, boot: c.boot, ...(c.machine ? { machine: c.machine } : {}) },
  };
  const misc = {
    cell: c.id,
    kmatrix_status: c.status,
    attempts: c.attempts,
    cached: c.cached,
    ...(c.signature ? { signature: c.signature } : {}),
    ...(c.log ? { log: c.log } : {}),
    ...(c.duplicateOf ? { duplicate_of: c.duplicateOf } : {}),
  };
  return {
    id: ids.test(c),
    build_id: ids.build(c),
    origin: opts.origin,
    path: testPath(c.workload),
    status: KCIDB_STATUS[c.status],
    duration: c.durationMs / 1000,
    ...(note ? { comment: noNul(note) } : {}),
    ...(excerpt ? { log_excerpt: excerpt } : {}),
    environment,
    misc,
  };
}

/** `--bisect` regressions: an issue per signature, an incident per cell it was seen on. */
function regressions(report: RunReport, ids: ReturnType<typeof idMaker>, origin: string) {
  const issues: Json[] = [];
  const incidents: Json[] = [];
  const byId = new Map(report.cells.map((c) => [c.id, c]));
  // a later run's finding on the same signature supersedes an earlier one
  const version = Math.max(0, Math.floor(Date.parse(report.startedAt) / 1000) || 0);
  for (const r of report.regressions ?? []) {
    const issueId = ids.issue(r.signature);
    const found = r.culprit
      ? `first bad commit ${short(r.culprit.sha)} ("${r.culprit.subject}")`
      : r.candidates.length
        ? `first bad commit is one of ${r.candidates.map(short).join(', ')}`
        : 'first bad commit not found';
    issues.push({
      id: issueId,
      version,
      origin,
      report_subject: noNul(r.signature),
      culprit: { code: true },
      comment: noNul(`${r.signature}: ${found}`),
      misc: {
        signature: r.signature,
        culprit: r.culprit,
        candidates: r.candidates,
        ...(r.verified !== undefined ? { verified: r.verified } : {}),
        cells: r.cells,
      },
    });
    for (const cellId of r.cells) {
      const c = byId.get(cellId);
      if (!c) continue;
      incidents.push({
        id: ids.incident(c, r.signature),
        origin,
        issue_id: issueId,
        issue_version: version,
        build_id: ids.build(c),
        test_id: ids.test(c),
        present: true,
      });
    }
  }
  return { issues, incidents };
}

/** Render kcidb.json's data (pure given the log reader). */
export function renderKcidb(report: RunReport, opts: KcidbOptions): Json {
  const ids = idMaker(opts.origin, report);
  const checkouts = commitsOf(report).map((c) => checkout(c, ids.checkout(c.sha), opts.origin, report));
  const builds = new Map<string, Json>();
  for (const c of report.cells) {
    const id = ids.build(c);
    if (!builds.has(id)) builds.set(id, build(c, ids, opts.origin, report.startedAt));
  }
  const tests = report.cells.map((c) => test(c, ids, opts));
  const { issues, incidents } = regressions(report, ids, opts.origin);
  return {
    version: { ...KCIDB_VERSION },
    checkouts,
    builds: [...builds.values()],
    tests,
    ...(issues.length ? { issues, incidents } : {}),
  };
}

export function createKcidbReporter(ctx: ReporterContext): Reporter {
  // a bad origin is a usage error before the run, not a failed reporter after it
  const origin = kcidbOrigin(ctx.env ?? process.env);
  return {
    name: 'kcidb',
    onRunEnd(report) {
      const excerpt = (c: CellResult) => readLogTail(ctx.reportDir, c.log, 120, MAX_EXCERPT);
      const data = renderKcidb(report, { origin, excerpt });
      writeFileAtomic(join(ctx.reportDir, KCIDB_FILE), `${JSON.stringify(data, null, 2)}\n`);
    },
  };
}
