/**
 * The folder `merge` writes: never one of the runs it reads (by real path, so a symbolic link to
 * a shard is found), and never holding a symbolic link where kmatrix writes (events.jsonl,
 * logs/, logs/passed.log...): a link planted there would send the merged files over files
 * elsewhere. The writes themselves do not follow a final link either (O_NOFOLLOW).
 */
import { readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';

const realOrResolved = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
};

/** Symbolic links directly in `dir` (none when it does not exist). */
function linksIn(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isSymbolicLink())
      .map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** Refuse an output folder that is one of `inputs` or holds a symbolic link kmatrix would write through. */
export function checkOutputFolder(output: string, inputs: readonly string[]): void {
  const out = realOrResolved(output);
  if (inputs.some((d) => realOrResolved(d) === out))
    throw new UserError(`merge: -o ${output} is one of the runs being merged; choose a new folder`);
  const links = [...linksIn(out), ...linksIn(join(out, 'logs'))];
  if (links.length)
    throw new UserError(
      `merge: ${join(output, links[0]!.slice(out.length + 1))} is a symbolic link; kmatrix does not ` +
        'write through links in an output folder (remove it or choose a new folder)',
    );
}
