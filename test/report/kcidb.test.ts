/** kcidb.json against the published KCIDB I/O JSON Schema (kcidb-io v5.3, in test/fixtures/kcidb). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { createReporters } from '../../src/report/registry.js';
import { KCIDB_FILE, renderKcidb, testPath } from '../../src/report/reporters/kcidb.js';
import type { RunReport } from '../../src/report/schema.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { ROOT, bufferWriter, fixtureReport, fixtureRun } from './helpers.js';

const SCHEMA = join(ROOT, 'test/fixtures/kcidb/kcidb-io-v05_03.schema.json');

// kcidb-io validates with Python jsonschema's newest draft (2020-12) and the draft-7 format checker
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')) as object);

interface Obj extends Record<string, unknown> {
  id: string;
}
interface Kcidb {
  version: { major: number; minor: number };
  checkouts: Obj[];
  builds: Obj[];
  tests: Obj[];
  issues?: Obj[];
  incidents?: Obj[];
}

function expectValid(data: unknown): void {
  const ok = validate(data);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

async function writeKcidb(dir: string, report: RunReport, env: Record<string, string> = {}): Promise<Kcidb> {
  const [kcidb] = await createReporters(['kcidb'], {
    reportDir: dir,
    stdout: bufferWriter(),
    stderr: bufferWriter(),
    color: false,
    env,
  });
  await kcidb!.onRunEnd!(report, 'failed');
  return JSON.parse(readFileSync(join(dir, KCIDB_FILE), 'utf8')) as Kcidb;
}

const byCell = (data: Kcidb, cell: string) => data.tests.find((t) => t.id.endsWith(`/${cell}`))!;

describe('the kcidb reporter', () => {
  it('writes the fixture run (every status) as valid KCIDB v5.3', async () => {
    const data = await writeKcidb(fixtureRun(), fixtureReport());
    expectValid(data);
    expect(data.version).toEqual({ major: 5, minor: 3 });
    expect(data.checkouts).toHaveLength(1);
    expect(data.checkouts[0]!.git_commit_hash).toBe('3f1c2a9d8e7b6a5c4d3e2f1a0b9c8d7e6f5a4b3c');
    // i386 and x86_64 x HIGHMEM y/n x CMA y/n
    expect(data.builds).toHaveLength(8);
    expect(data.builds.map((b) => b.config_name)).toContain('HIGHMEM=y,CMA=n');
    expect(data.tests).toHaveLength(33);
    const status = (cell: string) => byCell(data, cell).status;
    expect(status('i386-HIGHMEM_y-CMA_y-mem_1G-boot')).toBe('PASS');
    expect(status('i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc')).toBe('FAIL');
    expect(status('x86_64-HIGHMEM_n-CMA_n-mem_1G-dma-alloc')).toBe('PASS'); // flaky
    expect(status('x86_64-HIGHMEM_n-CMA_y-mem_1G-boot')).toBe('SKIP');
    expect(status('x86_64-HIGHMEM_y-CMA_y-mem_1G-boot')).toBe('SKIP'); // invalid
    expect(status('i386-HIGHMEM_y-CMA_n-mem_1G-boot-dup')).toBe('SKIP');
    expect(status('i386-HIGHMEM_n-CMA_n-mem_1G-boot')).toBe('MISS'); // infrastructure error
    expect(status('i386-HIGHMEM_n-CMA_y-mem_4G_movablecore_256M-dma-alloc')).toBe('ERROR'); // timeout
  });

  it('links tests to builds to checkouts, with the cell in path, environment and log excerpt', async () => {
    const dir = fixtureRun();
    const data = await writeKcidb(dir, fixtureReport());
    const fail = byCell(data, 'i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc');
    expect(fail.id).toMatch(/^kmatrix:mm-highmem-cma@2025-03-14T09:26:53.589Z\//);
    expect(fail.path).toBe('dma-alloc');
    expect(fail.comment).toBe('BUG: Bad page state in process swapper pfn:<pfn>');
    const log = readFileSync(join(dir, 'logs/i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc.log'), 'utf8');
    expect(log).toContain((fail.log_excerpt as string).split('\n').at(-1));
    expect(fail.environment).toEqual({
      comment: 'i386 HIGHMEM=y,CMA=y boot: mem=1G',
      misc: { arch: 'i386', kconfig: { HIGHMEM: 'y', CMA: 'y' }, boot: 'mem=1G' },
    });
    const build = data.builds.find((b) => b.id === fail.build_id)!;
    expect(build).toMatchObject({ architecture: 'i386', config_name: 'HIGHMEM=y,CMA=y' });
    expect(data.checkouts.map((c) => c.id)).toContain(build.checkout_id);
    const dup = byCell(data, 'i386-HIGHMEM_y-CMA_n-mem_1G-boot-dup');
    expect(dup.comment).toBe('duplicate of i386-HIGHMEM_y-CMA_n-mem_1G-boot: not run again');
    expect(byCell(data, 'i386-HIGHMEM_y-CMA_y-mem_1G-boot').log_excerpt).toBeUndefined();
  });

  it('turns a --bisect culprit into an issue with an incident per cell', async () => {
    const data = await writeKcidb(fixtureRun(), fixtureReport());
    expect(data.issues).toHaveLength(1);
    const issue = data.issues![0]!;
    expect(issue.comment).toContain('first bad commit a1b2c3d4e5f6');
    expect(issue.culprit).toEqual({ code: true });
    expect(data.incidents!.map((i) => i.test_id)).toEqual([
      byCell(data, 'i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc').id,
      byCell(data, 'i386-HIGHMEM_y-CMA_y-mem_4G_movablecore_256M-dma-alloc').id,
    ]);
    expect(data.incidents!.every((i) => i.issue_id === issue.id && i.issue_version === issue.version)).toBe(
      true,
    );
  });

  it('takes the origin from KMATRIX_KCIDB_ORIGIN and refuses one KCIDB would', async () => {
    const data = await writeKcidb(fixtureRun(), fixtureReport(), { KMATRIX_KCIDB_ORIGIN: 'my_lab' });
    expectValid(data);
    expect(data.tests.every((t) => t.origin === 'my_lab' && t.id.startsWith('my_lab:'))).toBe(true);
    await expect(
      writeKcidb(fixtureRun(), fixtureReport(), { KMATRIX_KCIDB_ORIGIN: 'My-Lab' }),
    ).rejects.toThrow(/KMATRIX_KCIDB_ORIGIN: "My-Lab" is not a KCIDB origin/);
  });

  it('the schema really rejects what KCIDB would (a kmatrix status, an id without origin)', () => {
    const data = renderKcidb(fixtureReport(), { origin: 'kmatrix', excerpt: () => '' }) as unknown as Kcidb;
    expectValid(data);
    expect(validate({ ...data, tests: [{ ...data.tests[0], status: 'FLAKY' }] })).toBe(false);
    expect(validate({ ...data, builds: [{ ...data.builds[0], id: 'no-origin' }] })).toBe(false);
  });

  it('makes workload names KCIDB paths', () => {
    expect(testPath('dma-alloc')).toBe('dma-alloc');
    expect(testPath('ltp/sem01')).toBe('ltp.sem01');
    expect(testPath('stress ng: cma')).toBe('stress_ng__cma');
  });
});

describe('kmatrix run --bisect --reporter kcidb', () => {
  it('writes a valid kcidb.json with a checkout per commit and the culprit as an issue', () => {
    const dir = tempDir();
    const matrix = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const r = runCli(['run', matrix, '--bisect', '--reporter', 'kcidb', '--report-dir', 'out'], { cwd: dir });
    // the seed fails on purpose
    expect(r.exitCode).toBe(1);
    const data = JSON.parse(readFileSync(join(dir, 'out', KCIDB_FILE), 'utf8')) as Kcidb;
    expectValid(data);
    expect(data.checkouts.map((c) => c.git_commit_name)).toEqual(['v4.16', 'v4.17-rc5', undefined, 'v4.17']);
    expect(data.tests).toHaveLength(64);
    const misc = data.issues![0]!.misc as { culprit: { sha: string } };
    expect(misc.culprit.sha).toMatch(/^bad8c6c0b114/);
    const tests = new Set(data.tests.map((t) => t.id));
    expect(data.incidents!.length).toBeGreaterThan(0);
    expect(data.incidents!.every((i) => tests.has(i.test_id as string))).toBe(true);
  });

  it('a bad origin is a usage error before the run (exit 2, nothing written)', () => {
    const dir = tempDir();
    const matrix = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const r = runCli(['run', matrix, '--reporter', 'kcidb', '--report-dir', 'out'], {
      cwd: dir,
      env: { KMATRIX_KCIDB_ORIGIN: 'a:b' },
    });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('KMATRIX_KCIDB_ORIGIN: "a:b" is not a KCIDB origin');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'out', 'report.json'))).toBe(false);
  });
});
