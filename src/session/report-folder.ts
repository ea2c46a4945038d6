/**
 * A run owns its report folder. It takes a lock (`.kmatrix-lock`, holding the pid, made
 * exclusively: a hard link fails when the name exists) so two runs cannot interleave one
 * events.jsonl, and clears what a previous kmatrix run wrote there, so no stale junit.xml or
 * log outlives it. A folder with files kmatrix did not write is refused rather than cleared:
 * `--report-dir ~` must not touch anyone's files.
 */
import { mkdirSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InfraError, UserError } from '../errors.js';
import { makeDirs } from '../util/make-dirs.js';
import { releasePidLock, takePidLock } from '../util/pid-lock.js';

export const LOCK_FILE = '.kmatrix-lock';
/** Left in every report folder: kmatrix wrote it and may clear it. */
export const MARKER_FILE = '.kmatrix-report';

/** Everything a kmatrix command writes into a report folder (reporters, logs, bisections). */
const OUR_FILES = new Set([
  MARKER_FILE,
  'report.json',
  'events.jsonl',
  'junit.xml',
  'summary.md',
  'report.html',
  'bisect.json',
  'bisect-config.json',
]);
const OUR_FOLDERS = new Set(['logs', 'bisect']);
/** Left by an atomic write (atomic-file.ts) that a kill interrupted. */
const TEMP = /^(?:report\.json|junit\.xml|summary\.md|report\.html|bisect(?:-config)?\.json)\.\d+\.\w+\.tmp$/;
/** Signs that kmatrix wrote a folder, from versions before the marker too. */
const SIGNS = [MARKER_FILE, 'report.json', 'events.jsonl', 'bisect.json', 'bisect-config.json'];

/** A claimed report folder; `release()` removes the lock (idempotent). */
export interface ReportFolderClaim {
  dir: string;
  release(): void;
}

/**
 * Makes `dir` (when `fresh`, a folder no one has yet: EEXIST is the caller's cue to pick
 * another name), locks it for this process and clears what an earlier run wrote there.
 */
export function claimReportFolder(dir: string, fresh = false): ReportFolderClaim {
  try {
    // makeDirs, not mkdir -p: that spins forever under /proc
    if (fresh) {
      makeDirs(path.dirname(dir));
      mkdirSync(dir);
    } else makeDirs(dir);
  } catch (err) {
    if (fresh && (err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    throw new InfraError(`cannot create the report directory ${dir}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const lock = path.join(dir, LOCK_FILE);
  let claim;
  try {
    claim = takePidLock(lock, { reentrant: true });
  } catch (err) {
    throw InfraError.cannotWrite(lock, err);
  }
  if (!claim.taken) throw new UserError(`report folder ${dir} is in use by pid ${claim.holder}`);
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.off('exit', release);
    releasePidLock(lock);
  };
  // a run that ends without the session's close() (an uncaught error) leaves no lock behind
  process.on('exit', release);
  try {
    clearPreviousRun(dir);
    writeFileSync(
      path.join(dir, MARKER_FILE),
      'written by kmatrix: a run clears this folder when it starts\n',
    );
  } catch (err) {
    release();
    if (err instanceof UserError) throw err;
    throw InfraError.cannotWrite(dir, err);
  }
  return { dir, release };
}

/** Removes what kmatrix wrote; refuses a folder with other files and no sign of kmatrix. */
function clearPreviousRun(dir: string): void {
  const entries = readdirSync(dir, { withFileTypes: true }).filter(
    (e) => e.name !== LOCK_FILE && !e.name.startsWith(`${LOCK_FILE}.`),
  );
  if (entries.length === 0) return;
  // by name and kind: a folder called report.json is not something kmatrix wrote
  const ours = (e: (typeof entries)[number]) =>
    e.isDirectory() ? OUR_FOLDERS.has(e.name) : e.isFile() && (OUR_FILES.has(e.name) || TEMP.test(e.name));
  if (!entries.some((e) => SIGNS.includes(e.name) && e.isFile()))
    throw new UserError(
      `report folder ${dir} is not empty and was not written by kmatrix ` +
        `(no report.json or ${MARKER_FILE}): choose another --report-dir or empty it`,
    );
  for (const e of entries) if (ours(e)) rmSync(path.join(dir, e.name), { recursive: true, force: true });
  // a symbolic link planted where kmatrix writes (logs/, passed.log, events.jsonl...) would be
  // followed and files outside the folder overwritten: the link goes, never what it points at
  const planted = (e: (typeof entries)[number]) =>
    e.isSymbolicLink() && (OUR_FILES.has(e.name) || OUR_FOLDERS.has(e.name));
  for (const e of entries) if (planted(e)) unlinkSync(path.join(dir, e.name));
}
