import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GitShell } from '../../src/history/git-shell.js';
import { commit, newRepo, sh } from './git-repo.js';

let repo: string;
const shas: string[] = [];

beforeAll(async () => {
  repo = await newRepo();
  for (let i = 0; i < 4; i++) shas.push(await commit(repo, `commit ${i}`, { 'state.txt': `${i}\n` }));
});

describe('GitShell', () => {
  it("runs git commands at once in folders whose names need quoting, with git's exit status", async () => {
    const shell = new GitShell();
    try {
      const trees = ["it's a tree", 'with $HOME and "quotes"', 'back\\slash `x`'].map((name, i) => {
        const dir = path.join(repo, '..', `${path.basename(repo)}-${i}-${name}`);
        mkdirSync(path.dirname(dir), { recursive: true });
        return dir;
      });
      for (const [i, dir] of trees.entries())
        await sh(repo, ['worktree', 'add', '-q', '--detach', dir, shas[i]!]);
      const codes = await Promise.all(
        trees.map((dir, i) => shell.run(dir, ['checkout', '--detach', '--force', '--quiet', shas[3 - i]!])),
      );
      expect(codes).toEqual([0, 0, 0]);
      expect(trees.map((dir) => readFileSync(path.join(dir, 'state.txt'), 'utf8'))).toEqual([
        '3\n',
        '2\n',
        '1\n',
      ]);
      expect(await shell.run(trees[0]!, ['checkout', '--quiet', 'no-such-commit'])).toBe(1);
      expect(await shell.run(path.join(repo, 'no-such-folder'), ['status'])).toBe(128);
    } finally {
      shell.close();
    }
  });

  it('answers undefined once closed, so callers fall back to running git themselves', async () => {
    const shell = new GitShell();
    expect(await shell.run(repo, ['rev-parse', 'HEAD'])).toBe(0);
    shell.close();
    expect(await shell.run(repo, ['rev-parse', 'HEAD'])).toBeUndefined();
  });
});
