/**
 * Real git repositories as a commit source: the first-parent line of a ref, oldest first,
 * with subjects and tags. Every git call goes through child_process.execFile with an argv
 * array (no shell): execa cost ~100 modules to load and more per call, and bisection runs git
 * on its critical path (history loading, worktree checkouts every round).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { InfraError, UserError } from '../errors.js';
import { SYMBOL_NAMES } from '../kconfig/declared-model.js';
import type { Commit, CommitState, History } from './types.js';
import { FULL_SHA } from '../util/sha.js';

export interface GitHistoryOptions {
  /** Follow only first parents (the mainline of merges), as `git bisect --first-parent`. Default true. */
  firstParent?: boolean;
  /** The ref whose history is loaded. Default HEAD. */
  ref?: string;
  /**
   * Switches every commit's state reports (a real repository flips none): pass the simulator's
   * defaults when simulating a git history. Default {}.
   */
  defaultSwitches?: Record<string, unknown>;
}

/** The linux first-parent log is tens of MB; execFile's 1 MiB default would cut it. */
const MAX_OUTPUT = 1 << 30;

/** Run git in `repo`; a failure becomes an InfraError carrying git's own message. */
export function git(
  repo: string,
  args: readonly string[],
  opts: { reject?: boolean } = {},
): Promise<{ stdout: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', repo, ...args],
      { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: MAX_OUTPUT, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const out = stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
        if (!err) return resolve({ stdout: out, exitCode: 0 });
        const e = err as Error & { code?: number | string };
        if (e.code === 'ENOENT')
          return reject(new InfraError('git is not installed (needed for a git history)', { cause: err }));
        // a non-zero exit has a numeric code; anything else (signal, output cap) is a failure to run git
        if (typeof e.code === 'number' && opts.reject === false)
          return resolve({ stdout: out, exitCode: e.code });
        const detail = stderr.trim()
          ? stderr.trim().split('\n')[0]
          : typeof e.code === 'number'
            ? `exit code ${e.code}`
            : e.message.split('\n')[0];
        reject(new InfraError(`git ${args[0]} in ${repo} failed: ${detail}`, { cause: err }));
      },
    );
  });
}

/**
 * Top folder of the repository at `repoPath` and the full
 * sha of `ref`, in one git call; UserErrors for either.
 */
async function rootAndTip(repoPath: string, ref: string): Promise<{ root: string; tip: string }> {
  if (ref.startsWith('-')) throw new UserError(`"${ref}" is not a revision`);
  const abs = path.resolve(repoPath);
  const r = await git(
    abs,
    ['rev-parse', '--show-toplevel', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`],
    { reject: false },
  ).catch(() => ({ stdout: '', exitCode: 128 }));
  const lines = r.stdout.split('\n').map((l) => l.trim());
  let [root, tip]: Array<string | undefined> = lines;
  let exitCode: number | undefined = r.exitCode;
  // git prints the top folder before it looks at the revision: no top folder, no repository,
  // unless it is a bare one (a mirror): then the repository is its git folder
  if (!root || (r.exitCode !== 0 && r.exitCode !== 1)) {
    const bare = await bareRootAndTip(abs, ref);
    if (!bare)
      throw new UserError(`${repoPath}: not a git repository (history: { git: <path> } must name one)`);
    ({ root, tip, exitCode } = bare);
  }
  if (exitCode !== 0 || !root || !tip || !FULL_SHA.test(tip))
    throw new UserError(`unknown revision "${ref}" in ${root}`);
  return { root, tip };
}

/** rootAndTip's answer for a bare repository (its git folder as the root); undefined for no repository. */
async function bareRootAndTip(
  abs: string,
  ref: string,
): Promise<{ root: string; tip: string | undefined; exitCode: number | undefined } | undefined> {
  const r = await git(
    abs,
    [
      'rev-parse',
      '--is-bare-repository',
      '--absolute-git-dir',
      '--verify',
      '--quiet',
      '--end-of-options',
      `${ref}^{commit}`,
    ],
    { reject: false },
  ).catch(() => ({ stdout: '', exitCode: 128 }));
  const [bare, dir, tip] = r.stdout.split('\n').map((l) => l.trim());
  if (bare !== 'true' || !dir || (r.exitCode !== 0 && r.exitCode !== 1)) return undefined;
  return { root: dir, tip, exitCode: r.exitCode };
}

export async function loadGitHistory(repoPath: string, options: GitHistoryOptions = {}): Promise<History> {
  const ref = options.ref ?? 'HEAD';
  // tags come with the log as decorations (annotated tags peeled), limited to refs/tags and in
  // short form whatever log.decorate says: one git call instead of a log and a for-each-ref
  const args = [
    'log',
    '--reverse',
    '--no-show-signature',
    '--decorate=short',
    '--decorate-refs=refs/tags/',
    '--format=%H%x00%s%x00%D',
  ];
  if (options.firstParent !== false) args.push('--first-parent');
  // the log runs alongside the rev-parse that finds the top folder and vets the ref: it is on
  // the critical path of a bisection's start; when it fails, rev-parse's verdict explains why
  const [{ root }, log] = await Promise.all([
    rootAndTip(repoPath, ref),
    git(path.resolve(repoPath), [...args, '--end-of-options', `${ref}^{commit}`]).then(
      (r) => ({ ok: true as const, r }),
      (err: unknown) => ({ ok: false as const, err }),
    ),
  ]);
  if (!log.ok) throw log.err;
  const commits: Commit[] = log.r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject = '', refs = ''] = line.split('\0');
      return { sha: sha!, subject, tags: tagsOf(refs), set: {}, buildBroken: false };
    });
  const defaults = options.defaultSwitches ?? {};
  const symbolNames = Object.fromEntries(SYMBOL_NAMES.map((s) => [s, s]));
  return {
    kind: 'git',
    name: path.basename(root),
    source: root,
    commits,
    index: new Map(commits.map((c, i) => [c.sha, i])),
    stateAt: (i): CommitState => {
      const c = commits[i];
      if (!c) throw new RangeError(`commit index ${i} outside 0..${commits.length - 1}`);
      return { sha: c.sha, subject: c.subject, buildBroken: false, switches: defaults, symbolNames };
    },
  };
}

/** Tag names of a `%D` decoration ("tag: v1, tag: v1-rc"), sorted as for-each-ref sorts them. */
function tagsOf(refs: string): string[] {
  if (!refs) return [];
  // ref names cannot contain spaces, so ", " only ever separates them
  return refs
    .split(', ')
    .filter((r) => r.startsWith('tag: '))
    .map((r) => r.slice(5).replace(/^refs\/tags\//, ''))
    .sort();
}

/** Full sha of a revision (sha prefix, tag, branch, HEAD~n, ...); a UserError when git does not know it. */
export async function resolveGitRev(repo: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new UserError(`"${rev}" is not a revision`);
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], {
    reject: false,
  });
  const sha = r.stdout.trim();
  if (r.exitCode !== 0 || !FULL_SHA.test(sha)) throw new UserError(`unknown revision "${rev}" in ${repo}`);
  return sha;
}

/** Index of a revision on a loaded git history's line; a UserError when it is off the line. */
export async function resolveGitRevIndex(history: History, rev: string): Promise<number> {
  // a full sha of the line needs no git call: git would resolve it to itself
  const known = FULL_SHA.test(rev) ? history.index.get(rev) : undefined;
  if (known !== undefined) return known;
  const sha = await resolveGitRev(history.source, rev);
  const index = history.index.get(sha);
  if (index === undefined)
    throw new UserError(
      `revision "${rev}" (${sha.slice(0, 12)}) is not on the first-parent line of ${history.name}`,
    );
  return index;
}
