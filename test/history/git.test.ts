import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InfraError, UserError } from '../../src/errors.js';
import { loadGitHistory, resolveGitRev, resolveGitRevIndex } from '../../src/history/git.js';
import type { History } from '../../src/history/types.js';
import { WorktreePool } from '../../src/history/worktrees.js';
import { commit, linearRepo, newRepo, sh } from './git-repo.js';

let repo: string;
const shas: string[] = [];
let sideSha: string;

beforeAll(async () => {
  repo = await newRepo();
  shas.push(await commit(repo, 'mm: add the allocator', { 'a.txt': '0\n' }));
  await sh(repo, ['tag', 'v1.0']);
  shas.push(await commit(repo, 'mm: fix a typo', { 'a.txt': '1\n' }));
  // a side branch merged back: first-parent must skip its commit
  await sh(repo, ['checkout', '-q', '-b', 'side']);
  sideSha = await commit(repo, 'side: unrelated work', { 'b.txt': 'side\n' });
  await sh(repo, ['checkout', '-q', 'main']);
  shas.push(await commit(repo, 'mm: use CMA for DMA', { 'a.txt': '2\n' }));
  await sh(repo, ['merge', '-q', '--no-ff', '-m', 'Merge branch side', 'side']);
  shas.push((await sh(repo, ['rev-parse', 'HEAD'])).trim());
  await sh(repo, ['tag', '-a', '-m', 'release 2.0', 'v2.0']);
  shas.push(await commit(repo, 'mm: break highmem', { 'a.txt': '4\n' }));
});

describe('loadGitHistory', () => {
  it('lists first-parent commits oldest first with subjects and tags (annotated tags peeled)', async () => {
    const h = await loadGitHistory(repo, { firstParent: true });
    expect(h.kind).toBe('git');
    expect(h.commits.map((c) => c.sha)).toEqual(shas);
    expect(h.commits.map((c) => c.subject)).toEqual([
      'mm: add the allocator',
      'mm: fix a typo',
      'mm: use CMA for DMA',
      'Merge branch side',
      'mm: break highmem',
    ]);
    expect(h.commits[0]!.tags).toEqual(['v1.0']);
    expect(h.commits[3]!.tags).toEqual(['v2.0']);
    expect(h.index.get(shas[2]!)).toBe(2);
    expect(h.index.has(sideSha)).toBe(false);
    const s = h.stateAt(4);
    expect(s.sha).toBe(shas[4]);
    expect(s.buildBroken).toBe(false);
    expect(s.subject).toBe('mm: break highmem');
  });

  it('without firstParent includes merged side commits', async () => {
    const h = await loadGitHistory(repo, { firstParent: false });
    expect(h.index.has(sideSha)).toBe(true);
    expect(h.commits).toHaveLength(6);
  });

  it('refuses a folder that is not a repository with a UserError', async () => {
    await expect(loadGitHistory('/proc/self')).rejects.toBeInstanceOf(UserError);
  });

  it('reads decorated tags: short names whatever log.decorate says, sorted, branches left out', async () => {
    const { dir, shas: line } = await linearRepo(3, (i) => `${i}\n`);
    await sh(dir, ['tag', 'zz', line[1]!]);
    await sh(dir, ['tag', '-a', '-m', 'annotated', 'v1', line[1]!]);
    await sh(dir, ['tag', 'v1-rc', line[1]!]);
    await sh(dir, ['branch', 'topic', line[2]!]);
    // a user who wants full ref names in `git log` (GIT_CONFIG_*
    // is how git takes config from the environment)
    const env = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'log.decorate', GIT_CONFIG_VALUE_0: 'full' };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let h: History;
    try {
      h = await loadGitHistory(dir);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    expect(h.commits.map((c) => c.tags)).toEqual([[], ['v1', 'v1-rc', 'zz'], []]);
  });
});

describe('loadGitHistory errors', () => {
  it('says a folder is not a git repository', async () => {
    await expect(loadGitHistory('/proc/self')).rejects.toThrow(/not a git repository/);
    await expect(loadGitHistory('/proc/self')).rejects.toBeInstanceOf(UserError);
  });
});

describe('resolveGitRev', () => {
  it('resolves sha prefixes, tags, HEAD~n', async () => {
    expect(await resolveGitRev(repo, shas[1]!.slice(0, 8))).toBe(shas[1]);
    expect(await resolveGitRev(repo, 'v1.0')).toBe(shas[0]);
    expect(await resolveGitRev(repo, 'v2.0')).toBe(shas[3]);
    expect(await resolveGitRev(repo, 'HEAD~2')).toBe(shas[2]);
    const h = await loadGitHistory(repo);
    expect(await resolveGitRevIndex(h, 'HEAD~1')).toBe(3);
  });

  it('rejects unknown revisions, option-like input and commits off the first-parent line', async () => {
    await expect(resolveGitRev(repo, 'v9.9')).rejects.toThrow(/unknown revision "v9.9"/);
    await expect(resolveGitRev(repo, '--all')).rejects.toBeInstanceOf(UserError);
    const h = await loadGitHistory(repo);
    await expect(resolveGitRevIndex(h, sideSha)).rejects.toThrow(/not on the first-parent line/);
  });

  it('finds a full sha of the line without asking git', async () => {
    const h = await loadGitHistory(repo);
    // a history whose repository is gone: only a lookup of our own can answer
    const gone: History = { ...h, source: path.join(repo, 'no-such-folder') };
    expect(await resolveGitRevIndex(gone, shas[2]!)).toBe(2);
    await expect(resolveGitRevIndex(gone, shas[2]!.slice(0, 12))).rejects.toThrow(/unknown revision/);
  });
});

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  return spawnSync('true').pid!;
}

describe('WorktreePool', () => {
  it('checks out each lease at its commit, reuses worktrees, waits if all leased, cleans up', async () => {
    const root = path.join(repo, '.kmatrix', 'worktrees');
    const pool = new WorktreePool(repo, { root, size: 2 });
    const [a, b] = await Promise.all([pool.acquire(shas[0]!), pool.acquire(shas[4]!)]);
    expect(new Set([a.path, b.path]).size).toBe(2);
    expect(await readFile(path.join(a.path, 'a.txt'), 'utf8')).toBe('0\n');
    expect(await readFile(path.join(b.path, 'a.txt'), 'utf8')).toBe('4\n');
    expect((await sh(a.path, ['rev-parse', 'HEAD'])).trim()).toBe(shas[0]);
    // a third lease waits for a release
    let third: Awaited<ReturnType<WorktreePool['acquire']>> | undefined;
    const pending = pool.acquire(shas[2]!).then((l) => (third = l));
    await new Promise((r) => setTimeout(r, 50));
    expect(third).toBeUndefined();
    a.release();
    await pending;
    expect(third!.path).toBe(a.path);
    expect(await readFile(path.join(third!.path, 'a.txt'), 'utf8')).toBe('2\n');
    expect((await sh(third!.path, ['status', '--porcelain', '--untracked-files=no'])).trim()).toBe('');
    third!.release();
    b.release();
    // the worktree already at a commit is preferred
    const again = await pool.acquire(shas[4]!);
    expect(again.path).toBe(b.path);
    again.release();
    await pool.close();
    await expect(stat(a.path)).rejects.toThrow();
    const list = await sh(repo, ['worktree', 'list', '--porcelain']);
    expect(list.match(/^worktree /gm)).toHaveLength(1);
  });

  it('reuses a worktree left behind by a killed run', async () => {
    const root = path.join(repo, '.kmatrix', 'left');
    const first = new WorktreePool(repo, { root, size: 1 });
    (await first.acquire(shas[1]!)).release();
    // no close(), and the lock names a process that is gone: the next pool takes the worktree over
    writeFileSync(path.join(root, '0.lock'), `${deadPid()}\n`);
    const second = new WorktreePool(repo, { root, size: 1 });
    const lease = await second.acquire(shas[3]!);
    expect(await readFile(path.join(lease.path, 'a.txt'), 'utf8')).toBe('2\n');
    lease.release();
    await second.close();
    expect((await sh(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);
  });

  it('is private to its process: a folder another live process holds is skipped', async () => {
    const root = path.join(repo, '.kmatrix', 'locked');
    mkdirSync(root, { recursive: true });
    const other = spawn('sleep', ['30']);
    try {
      writeFileSync(path.join(root, '0.lock'), `${other.pid}\n`);
      const pool = new WorktreePool(repo, { root, size: 1 });
      const lease = await pool.acquire(shas[2]!);
      expect(lease.path).toBe(path.join(root, '1'));
      // and a second pool of this very process does not share it either
      const mine = new WorktreePool(repo, { root, size: 1 });
      const next = await mine.acquire(shas[2]!);
      expect(next.path).toBe(path.join(root, '2'));
      expect(readFileSync(path.join(root, '1.lock'), 'utf8')).toBe(`${process.pid}\n`);
      lease.release();
      next.release();
      await Promise.all([pool.close(), mine.close()]);
      // closing gives the folders back; the live process's lock stays
      expect(existsSync(path.join(root, '1.lock'))).toBe(false);
      expect(readFileSync(path.join(root, '0.lock'), 'utf8')).toBe(`${other.pid}\n`);
    } finally {
      other.kill();
    }
  });

  it('prepare checks worktrees out ahead; acquiring a prepared commit gets that worktree as is', async () => {
    const root = path.join(repo, '.kmatrix', 'prepared');
    const pool = new WorktreePool(repo, { root, size: 2 });
    pool.prepare([shas[1]!, shas[3]!]);
    // asked in the other order: each lease still lands on the worktree prepared for its commit
    const [b, a] = await Promise.all([pool.acquire(shas[3]!), pool.acquire(shas[1]!)]);
    expect(a.path).toBe(path.join(root, '0'));
    expect(b.path).toBe(path.join(root, '1'));
    expect(await readFile(path.join(a.path, 'a.txt'), 'utf8')).toBe('1\n');
    expect(await readFile(path.join(b.path, 'a.txt'), 'utf8')).toBe('2\n');
    // no checkout after the worktree was made: HEAD's reflog has the one entry `worktree add` wrote
    expect((await sh(a.path, ['reflog', '--format=%H'])).trim().split('\n')).toEqual([shas[1]]);
    a.release();
    b.release();
    await pool.close();
    expect((await sh(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);
  });

  it('close waits for worktrees still being prepared; acquire reports a failed prepare', async () => {
    const root = path.join(repo, '.kmatrix', 'closing');
    const early = new WorktreePool(repo, { root, size: 2 });
    early.prepare([shas[0]!, shas[4]!]);
    await early.close();
    await expect(stat(path.join(root, '0'))).rejects.toThrow();
    await expect(stat(path.join(root, '1'))).rejects.toThrow();
    expect((await sh(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);

    const failing = new WorktreePool(repo, { root, size: 1 });
    failing.prepare(['0'.repeat(40)]);
    await expect(failing.acquire('0'.repeat(40))).rejects.toBeInstanceOf(InfraError);
    const lease = await failing.acquire(shas[2]!);
    expect(await readFile(path.join(lease.path, 'a.txt'), 'utf8')).toBe('2\n');
    lease.release();
    await failing.close();
  });

  it('replaces a worktree left behind by a bisection of another repository', async () => {
    const other = await linearRepo(2, (i) => `other ${i}\n`);
    const root = path.join(repo, '.kmatrix', 'shared');
    const first = new WorktreePool(other.dir, { root, size: 1 });
    (await first.acquire(other.shas[1]!)).release();
    // no close(): the folder is still a worktree, of the other repository
    const second = new WorktreePool(repo, { root, size: 1 });
    const lease = await second.acquire(shas[3]!);
    expect(await readFile(path.join(lease.path, 'a.txt'), 'utf8')).toBe('2\n');
    expect((await sh(lease.path, ['rev-parse', 'HEAD'])).trim()).toBe(shas[3]);
    lease.release();
    await second.close();
    expect((await sh(repo, ['worktree', 'list', '--porcelain'])).match(/^worktree /gm)).toHaveLength(1);
  });

  it('reports an unknown commit as an infrastructure error and frees the slot', async () => {
    const pool = new WorktreePool(repo, { root: path.join(repo, '.kmatrix', 'bad'), size: 1 });
    await expect(pool.acquire('0'.repeat(40))).rejects.toBeInstanceOf(InfraError);
    const lease = await pool.acquire(shas[0]!);
    lease.release();
    await pool.close();
  });
});
