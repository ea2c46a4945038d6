import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultReportDir } from '../../src/cli/run.js';
import { tempDir } from '../helpers/temp.js';

describe('defaultReportDir', () => {
  it('is reports/<matrix>-<UTC timestamp>, with the shard, made unique', () => {
    const cwd = tempDir();
    const at = new Date('2026-11-22T04:05:06.789Z');
    expect(defaultReportDir('mm-cma', at, undefined, cwd)).toBe(
      join(cwd, 'reports', 'mm-cma-20261122-040506'),
    );
    expect(defaultReportDir('mm-cma', at, { index: 2, count: 4 }, cwd)).toBe(
      join(cwd, 'reports', 'mm-cma-20261122-040506-shard-2-of-4'),
    );
    mkdirSync(join(cwd, 'reports', 'mm-cma-20261122-040506'), { recursive: true });
    expect(defaultReportDir('mm-cma', at, undefined, cwd)).toBe(
      join(cwd, 'reports', 'mm-cma-20261122-040506-2'),
    );
  });
});
