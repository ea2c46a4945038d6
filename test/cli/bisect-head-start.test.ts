/**
 * The bisect command's head start: from a plain YAML read of the matrix, the git history is
 * loaded and the first round's worktrees are made while the real matrix load is under way.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextRound, startSearch } from '../../src/bisect/commit-search.js';
import { adoptable, startHeadStart } from '../../src/cli/bisect-head-start.js';
import { loadGitHistory } from '../../src/history/git.js';
import { linearRepo, sh } from '../history/git-repo.js';
import { tempDir } from '../helpers/temp.js';

let work: string;
let repo: string;
let shas: string[];

beforeAll(async () => {
  work = tempDir('kmatrix-head-start-');
  ({ dir: repo, shas } = await linearRepo(40, (i) => `state ${i}\n`));
});

async function matrix(name: string, body: string): Promise<string> {
  const file = path.join(work, name);
  await writeFile(file, body);
  return file;
}

const worktrees = () =>
  sh(repo, ['worktree', 'list', '--porcelain']).then((l) => l.match(/^worktree /gm)?.length ?? 0);

describe('startHeadStart', () => {
  it('prepares the worktrees of round 0 (both ends and the spare interior probes) and removes them unless adopted', async () => {
    const file = await matrix(
      'command.yaml',
      `name: hs\nhistory: { git: ${JSON.stringify(path.relative(work, repo))} }\nbackend: { command: [./t.sh] }\njobs: 3\n`,
    );
    const root = path.join(work, 'wt-a');
    const start = await startHeadStart(file, { good: shas[0]!, bad: 'HEAD', worktreeRoot: root });
    expect(start?.source).toBe((await loadGitHistory(repo)).source);
    expect(start?.jobs).toBe(3); // from the matrix's jobs:
    const pool = start!.pool!;
    const first = nextRound(startSearch(40), 3).map((p) => shas[p.index]!);
    expect(first).toHaveLength(3);
    const leases = await Promise.all(first.map((c) => pool.acquire(c)));
    for (const [i, lease] of leases.entries()) {
      expect(lease.path).toBe(path.join(root, String(i)));
      expect(await readFile(path.join(lease.path, 'state'), 'utf8')).toBe(
        `state ${shas.indexOf(first[i]!)}\n`,
      );
      lease.release();
    }
    expect(await worktrees()).toBe(4);
    await start!.dispose();
    expect(await worktrees()).toBe(1);
  });

  it('with both ends given as full shas, starts their worktrees before the history is read', async () => {
    const root = path.join(work, 'wt-e');
    const start = await startHeadStart(path.join(work, 'command.yaml'), {
      good: shas[2]!,
      bad: shas[38]!,
      jobs: 4,
      worktreeRoot: root,
    });
    const first = nextRound(startSearch(37), 4).map((p) => shas[2 + p.index]!);
    expect(first).toEqual([shas[2], expect.any(String), expect.any(String), shas[38]]);
    const leases = await Promise.all(first.map((c) => start!.pool!.acquire(c)));
    // the ends took the first two worktrees (from the head start's first prepare), the interior the others
    expect(leases.map((l) => path.basename(l.path))).toEqual(['0', '2', '3', '1']);
    for (const [i, lease] of leases.entries()) {
      expect(await readFile(path.join(lease.path, 'state'), 'utf8')).toBe(
        `state ${shas.indexOf(first[i]!)}\n`,
      );
      lease.release();
    }
    await start!.dispose();
    expect(await worktrees()).toBe(1);
  });

  it('leaves an adopted pool to its adopter; --jobs wins over the matrix', async () => {
    const file = path.join(work, 'command.yaml');
    const start = await startHeadStart(file, {
      good: shas[5]!,
      bad: shas[30]!,
      jobs: 2,
      worktreeRoot: path.join(work, 'wt-b'),
    });
    const need = { source: start!.source, jobs: 2, commandBackend: true };
    expect(adoptable(start, need)).toBe(start!.pool);
    expect(adoptable(start, { ...need, jobs: 3 })).toBeUndefined();
    expect(adoptable(start, { ...need, source: work })).toBeUndefined();
    expect(adoptable(start, { ...need, commandBackend: false })).toBeUndefined();
    await start!.dispose(start!.pool);
    // round 0 at --jobs 2 is both ends; acquiring them waits for their worktrees
    for (const lease of await Promise.all([shas[5]!, shas[30]!].map((c) => start!.pool!.acquire(c))))
      lease.release();
    expect(await worktrees()).toBe(3);
    await start!.pool!.close();
    expect(await worktrees()).toBe(1);
  });

  it('prefetches the history alone for another backend, and does nothing without a git history', async () => {
    const sim = await matrix(
      'sim.yaml',
      `name: hs\nhistory: { git: ${JSON.stringify(repo)}, firstParent: true }\nmatrix: { arch: [x86_64] }\n`,
    );
    const start = await startHeadStart(sim, {
      good: shas[0]!,
      bad: 'HEAD',
      worktreeRoot: path.join(work, 'wt-c'),
    });
    expect(start?.pool).toBeUndefined();
    // the prefetched history is the one the next load of the same repository gets
    expect(await loadGitHistory(repo, { firstParent: true })).toBe(start!.history);
    await start!.dispose();

    const simHistory = await matrix('file-history.yaml', 'name: hs\nhistory: histories/x.yaml\n');
    expect(await startHeadStart(simHistory, { good: 'a', bad: 'b', worktreeRoot: work })).toBeUndefined();
    const broken = await matrix('broken.yaml', 'name: [unclosed\n');
    expect(await startHeadStart(broken, { good: 'a', bad: 'b', worktreeRoot: work })).toBeUndefined();
    expect(
      await startHeadStart(path.join(work, 'missing.yaml'), { good: 'a', bad: 'b', worktreeRoot: work }),
    ).toBeUndefined();
  });

  it('registers the prefetch at once, so a load started in the same tick takes it over', async () => {
    // bundled, the CLI reaches the real load as fast as the head start reads the matrix
    const sim = await matrix(
      'same-tick.yaml',
      `name: hs\nhistory: { git: ${JSON.stringify(repo)}, firstParent: true }\nmatrix: { arch: [x86_64] }\n`,
    );
    const starting = startHeadStart(sim, {
      good: shas[0]!,
      bad: 'HEAD',
      worktreeRoot: path.join(work, 'wt-tick'),
    });
    const loaded = loadGitHistory(repo, { firstParent: true });
    const start = await starting;
    expect(await loaded).toBe(start!.history);
    await start!.dispose();
  });

  it('makes no worktrees for revisions git does not know, or ends in the wrong order', async () => {
    const file = path.join(work, 'command.yaml');
    const unknown = await startHeadStart(file, {
      good: 'v9.9',
      bad: 'HEAD',
      worktreeRoot: path.join(work, 'wt-d'),
    });
    expect(unknown?.pool).toBeUndefined();
    await unknown?.dispose();
    const reversed = await startHeadStart(file, {
      good: 'HEAD',
      bad: shas[0]!,
      worktreeRoot: path.join(work, 'wt-d'),
    });
    expect(reversed?.pool).toBeUndefined();
    await reversed?.dispose();
    expect(await worktrees()).toBe(1);
  });
});
