/**
 * Real git repositories as a commit source: the first-parent line of a ref, oldest first,
 * with subjects and tags. Every git call goes through execa with an argv array (no shell).
 */
import { execa } from 'execa';
import path from 'node:path';
import { InfraError, UserError } from '../errors.js';
import { SYMBOL_NAMES } from '../matrix/kconfig-model.js';
import type { Commit, CommitState, History } from './types.js';

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

/** Run git in `repo`; a failure becomes an InfraError carrying git's own message. */
export async function git(repo: string, args: readonly string[], opts: { reject?: boolean } = {}): Promise<{ stdout: string; exitCode: number }> {
  try {
    const r = await execa('git', ['-C', repo, ...args], { reject: opts.reject ?? true, stripFinalNewline: true, env: { GIT_TERMINAL_PROMPT: '0' } });
    return { stdout: String(r.stdout), exitCode: r.exitCode ?? 0 };
  } catch (err) {
    const e = err as { stderr?: unknown; shortMessage?: string; code?: string };
    if (e.code === 'ENOENT') throw new InfraError('git is not installed (needed for a git history)', { cause: err });
    const detail = typeof e.stderr === 'string' && e.stderr.trim() ? e.stderr.trim().split('\n')[0] : e.shortMessage;
    throw new InfraError(`git ${args[0]} in ${repo} failed: ${detail}`, { cause: err });
  }
}

/** The top folder of the repository at `repoPath`; a UserError when it is not one. */
export async function repoRoot(repoPath: string): Promise<string> {
  const abs = path.resolve(repoPath);
  const r = await git(abs, ['rev-parse', '--show-toplevel'], { reject: false }).catch(() => ({ stdout: '', exitCode: 1 }));
  if (r.exitCode !== 0 || !r.stdout) throw new UserError(`${repoPath}: not a git repository (history: { git: <path> } must name one)`);
  return r.stdout.trim();
}

export async function loadGitHistory(repoPath: string, options: GitHistoryOptions = {}): Promise<History> {
  const root = await repoRoot(repoPath);
  const ref = options.ref ?? 'HEAD';
  const tip = await resolveGitRev(root, ref);
  const args = ['log', '--reverse', '--format=%H%x00%s', ...(options.firstParent === false ? [] : ['--first-parent']), tip];
  const log = await git(root, args);
  const tags = await tagsBySha(root);
  const commits: Commit[] = log.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, subject = ''] = line.split('\0');
      return { sha: sha!, subject, tags: tags.get(sha!) ?? [], set: {}, buildBroken: false };
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

/** Full sha of a revision (sha prefix, tag, branch, HEAD~n, ...); a UserError when git does not know it. */
export async function resolveGitRev(repo: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new UserError(`"${rev}" is not a revision`);
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { reject: false });
  if (r.exitCode !== 0 || !/^[0-9a-f]{40,64}$/.test(r.stdout.trim())) throw new UserError(`unknown revision "${rev}" in ${repo}`);
  return r.stdout.trim();
}

/** Index of a revision on a loaded git history's line; a UserError when it is off the line. */
export async function resolveGitRevIndex(history: History, rev: string): Promise<number> {
  const sha = await resolveGitRev(history.source, rev);
  const index = history.index.get(sha);
  if (index === undefined) throw new UserError(`revision "${rev}" (${sha.slice(0, 12)}) is not on the first-parent line of ${history.name}`);
  return index;
}

async function tagsBySha(repo: string): Promise<Map<string, string[]>> {
  const r = await git(repo, ['for-each-ref', '--format=%(objectname)%00%(*objectname)%00%(refname:short)', 'refs/tags']);
  const out = new Map<string, string[]>();
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [obj, peeled, name] = line.split('\0');
    const sha = peeled || obj!;
    out.set(sha, [...(out.get(sha) ?? []), name!]);
  }
  return out;
}
