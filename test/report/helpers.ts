/** Shared test helpers for the report layer: fixture copies, string writers, shards. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CellResult, RunReport } from '../../src/report/schema.js';
import { createReporters } from '../../src/report/registry.js';
import { planHash } from '../../src/report/plan-hash.js';
import { summarize } from '../../src/report/summary.js';
import { tempDir } from '../helpers/temp.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURE = join(ROOT, 'test/fixtures/reports/mm-highmem-cma');

/** A fresh copy of the fixture run folder (report.json + logs/) in a temp dir. */
export function fixtureRun(): string {
  const dir = tempDir('kmatrix-report-');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

export function fixtureReport(): RunReport {
  return JSON.parse(readFileSync(join(FIXTURE, 'report.json'), 'utf8')) as RunReport;
}

export function cellById(report: RunReport, id: string): CellResult {
  const c = report.cells.find((x) => x.id === id);
  if (!c) throw new Error(`no cell ${id} in fixture`);
  return c;
}

/** A Writer that keeps what was written. */
export function bufferWriter(isTTY = false): { write(s: string): boolean; text(): string; isTTY: boolean } {
  let buf = '';
  return {
    isTTY,
    write(s: string) {
      buf += s;
      return true;
    },
    text: () => buf,
  };
}

/** Whether a system tool is on PATH. */
export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CI=true turns a missing system tool from a skip into a failure. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** Write one shard as the run engine would: events + report.json + the shard's logs. */
export async function writeShard(
  whole: RunReport,
  index: number,
  count: number,
  pick: (c: CellResult, i: number) => boolean,
): Promise<string> {
  const dir = tempDir('kmatrix-report-');
  const cells = whole.cells.filter(pick);
  const report: RunReport = {
    ...whole,
    cells,
    summary: summarize(cells),
    shard: { index, count },
    planHash: planHash(whole.cells),
    durationMs: 1000 * index,
    startedAt: `2025-03-14T09:2${index}:00.000Z`,
  };
  delete report.explanations;
  delete report.regressions;
  const [events, json] = await createReporters(['events', 'json'], {
    reportDir: dir,
    stdout: bufferWriter(),
    stderr: bufferWriter(),
    color: false,
  });
  await events!.onRunStart!({
    matrix: whole.matrix,
    file: whole.file ?? '',
    reportDir: dir,
    startedAt: report.startedAt,
    cells,
    axes: whole.axes ?? [],
    shard: { index, count },
    planHash: report.planHash!,
  });
  for (const c of cells) {
    if (c.log) {
      mkdirSync(join(dir, 'logs'), { recursive: true });
      cpSync(join(FIXTURE, c.log), join(dir, c.log));
    }
    if (c.status !== 'invalid' && c.status !== 'duplicate') await events!.onCellEnd!(c);
  }
  await events!.onRunEnd!(report, 'failed');
  await json!.onRunEnd!(report, 'failed');
  return dir;
}
