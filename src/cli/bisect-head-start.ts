/**
 * A head start for `kmatrix bisect` on a git repository: Node spends its first ~100-300 ms
 * loading the matrix code (zod, the schema, the planner) on one core while git could work on
 * the other. So before the matrix is loaded properly, a plain YAML read of the file names the
 * repository, and this starts, in order: loading the history (`prefetchGitHistory`), resolving
 * --good and --bad, and creating the worktrees at the commits the first round will test
 * (`WorktreePool.prepare`).
 *
 * It is only a guess made ahead of time, never an authority: the real load validates the
 * matrix, takes the prefetched history over only when it asks for the same repository, and
 * adopts the pool only when it needs the same repository and size (`adoptable`). Any failure
 * here is silent, since the real path meets it again and reports it where it belongs.
 */
import { readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { FULL_SHA, prefetchGitHistory, resolveGitRevIndex } from '../history/git.js';
import type { History } from '../history/types.js';
import { MAX_YAML_BYTES } from '../yaml/yaml.js';
import { WorktreePool } from '../history/worktrees.js';
import { nextRound, startSearch } from '../bisect/commit-search.js';

export interface HeadStart {
  /** The repository's top folder (the history's `source`). */
  source: string;
  /** The prefetched history (which the matrix load takes over when it asks for the same). */
  history: History;
  /** Size of `pool`. */
  jobs: number;
  /** Worktrees being created at the first round's commits (command backend only). */
  pool?: WorktreePool;
  /** Forget the prefetched history if nobody took it, and remove the worktrees if nobody adopted them. */
  dispose(adopted?: WorktreePool): Promise<void>;
}

export interface HeadStartOptions {
  good: string;
  bad: string;
  /** --jobs; else the matrix's `jobs:`; else min(4, cores), as the bisect command decides. */
  jobs?: number;
  /** --repeat. */
  repeat?: number;
  /** Folder of the worktrees (.kmatrix/worktrees). */
  worktreeRoot: string;
}

/** Start the head start for matrix `file`; undefined when the matrix does not name a git repository. */
export async function startHeadStart(file: string, o: HeadStartOptions): Promise<HeadStart | undefined> {
  const doc = readYaml(file);
  const h = doc?.history;
  if (
    !isMapping(h) ||
    typeof h.git !== 'string' ||
    (h.firstParent !== undefined && typeof h.firstParent !== 'boolean')
  )
    return undefined;
  const repo = path.resolve(path.dirname(path.resolve(file)), h.git);
  const prefetch = prefetchGitHistory(repo, { firstParent: h.firstParent ?? true });
  const jobs =
    o.jobs ??
    (Number.isInteger(doc!.jobs) && (doc!.jobs as number) >= 1
      ? (doc!.jobs as number)
      : Math.min(4, availableParallelism()));
  let pool: WorktreePool | undefined;
  const dispose = async (adopted?: WorktreePool) => {
    prefetch.dispose();
    if (pool && pool !== adopted) await pool.close().catch(() => undefined);
  };
  const command = isMapping(doc!.backend) && Array.isArray(doc!.backend.command);
  // ends given as full shas (scripts usually give them so) need no history: their worktrees
  // are made while git reads the log; the interior probes of round 0 follow once it is read
  if (command && FULL_SHA.test(o.good) && FULL_SHA.test(o.bad) && o.good !== o.bad) {
    pool = new WorktreePool(repo, { root: o.worktreeRoot, size: jobs });
    pool.prepare([o.good, o.bad]);
  }
  const history = await prefetch.history.catch(() => undefined);
  if (!history) {
    await dispose();
    return undefined;
  }
  if (command) {
    try {
      const [good, bad] = await Promise.all([
        resolveGitRevIndex(history, o.good),
        resolveGitRevIndex(history, o.bad),
      ]);
      if (good < bad) {
        const first = nextRound(startSearch(bad - good + 1, { repeat: o.repeat ?? 1 }), jobs);
        pool ??= new WorktreePool(history.source, { root: o.worktreeRoot, size: jobs });
        pool.prepare(first.map((p) => history.commits[good + p.index]!.sha));
      }
    } catch {
      // a revision git does not know: the bisect command says so
    }
  }
  return { source: history.source, history, jobs, ...(pool ? { pool } : {}), dispose };
}

/** The head start's worktrees, when the loaded plan needs exactly those. */
export function adoptable(
  start: HeadStart | undefined,
  need: { source: string; jobs: number; commandBackend: boolean },
): WorktreePool | undefined {
  if (!start?.pool || !need.commandBackend) return undefined;
  return start.source === need.source && start.jobs === need.jobs ? start.pool : undefined;
}

/**
 * Synchronous on purpose: the history's prefetch must be registered before the real load,
 * which runs at once when the CLI is bundled, asks git for the same log.
 */
function readYaml(file: string): Record<string, unknown> | undefined {
  try {
    // the loader's own limit: a guess must not parse what the real load refuses
    if (statSync(file).size > MAX_YAML_BYTES) return undefined;
    const text = readFileSync(file, 'utf8');
    const doc: unknown = parse(text);
    return isMapping(doc) ? doc : undefined;
  } catch {
    return undefined;
  }
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
