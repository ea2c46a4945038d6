/** Build small git repositories for tests (git with a fixed identity and dates, no user config). */
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { tempDir } from '../helpers/temp.js';
import path from 'node:path';

const ENV = {
  GIT_AUTHOR_NAME: 'kmatrix test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'kmatrix test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z',
  GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};

export async function sh(cwd: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd, env: ENV });
  return r.stdout;
}

export async function newRepo(prefix = 'kmatrix-git-'): Promise<string> {
  const dir = tempDir(prefix);
  await sh(dir, ['init', '-q', '-b', 'main']);
  return dir;
}

/** Commit `files` (name -> content) with `subject`; returns the sha. */
export async function commit(dir: string, subject: string, files: Record<string, string>): Promise<string> {
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  await sh(dir, ['add', '-A']);
  await sh(dir, ['commit', '-q', '--allow-empty', '-m', subject]);
  return (await sh(dir, ['rev-parse', 'HEAD'])).trim();
}

/**
 * A linear repository of `count` commits; `state` is the content of file `state` at commit i.
 * Uses fast-import so that hundreds of commits take milliseconds.
 */
export async function linearRepo(
  count: number,
  state: (i: number) => string,
  extra: Record<string, string> = {},
): Promise<{ dir: string; shas: string[] }> {
  const dir = await newRepo();
  let stream = '';
  for (let i = 0; i < count; i++) {
    const msg = `commit ${i}`;
    const date = 1577836800 + i;
    stream +=
      `commit refs/heads/main\nmark :${i + 1}\ncommitter kmatrix test <test@example.com> ${date} +0000\n` +
      `data ${Buffer.byteLength(msg)}\n${msg}\n`;
    if (i > 0) stream += `from :${i}\n`;
    const content = state(i);
    stream += `M 100644 inline state\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    if (i === 0) {
      for (const [name, text] of Object.entries(extra))
        stream += `M 100755 inline ${name}\ndata ${Buffer.byteLength(text)}\n${text}\n`;
    }
  }
  await execa('git', ['fast-import', '--quiet'], { cwd: dir, input: stream, env: ENV });
  await sh(dir, ['checkout', '-q', '-f', 'main']);
  const shas = (await sh(dir, ['rev-list', '--reverse', 'main'])).split('\n');
  return { dir, shas };
}
