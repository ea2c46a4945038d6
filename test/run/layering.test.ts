import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const RUN = join(import.meta.dirname, '..', '..', 'src', 'run');
const imports = (file: string) =>
  [...readFileSync(join(RUN, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);

describe('src/run layering', () => {
  it('imports nothing from the CLI', () => {
    const files = readdirSync(RUN, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.ts'));
    for (const f of files)
      expect(
        imports(f).filter((i) => i.includes('/cli/')),
        f,
      ).toEqual([]);
  });

  it('keeps the decision modules pure: no file system, processes or clock modules', () => {
    for (const f of ['gate.ts', 'baseline.ts', 'shard.ts', 'sim-input.ts']) {
      expect(
        imports(f).filter((i) => /^node:(fs|child_process|worker_threads)/.test(i) || i === 'execa'),
        f,
      ).toEqual([]);
    }
  });
});
