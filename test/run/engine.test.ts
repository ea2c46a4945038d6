/** The engine over a backend it is given: a fake one, so what it decides is tested alone. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../src/matrix/plan.js';
import type { Cell } from '../../src/matrix/types.js';
import type { RunReport } from '../../src/report/schema.js';
import type { Reporter } from '../../src/report/types.js';
import { baselineFromReport } from '../../src/run/baseline.js';
import { executeRun } from '../../src/run/engine.js';
import type { Backend, Outcome } from '../../src/run/types.js';
import { tempDir } from '../helpers/temp.js';

/** Fails every i386 cell with one signature; remembers what it ran. */
class FakeBackend implements Backend {
  readonly name = 'fake';
  readonly ran: string[] = [];
  fingerprint(): string {
    return 'fake:1';
  }
  async run(cell: Cell): Promise<Outcome> {
    this.ran.push(cell.id);
    return cell.arch === 'i386'
      ? { verdict: 'fail', signature: 'BUG: fake', log: 'BUG: fake\n' }
      : { verdict: 'pass', log: 'ok\n' };
  }
}

async function fixture() {
  const dir = tempDir();
  writeFileSync(join(dir, 'm.yaml'), "name: fake\nmatrix:\n  arch: [x86_64, i386]\n  boot: ['', mem=1G]\n");
  return { dir, plan: await loadPlan(join(dir, 'm.yaml')) };
}

function recorder() {
  const seen = { started: 0, ended: [] as string[], report: undefined as RunReport | undefined, reason: '' };
  const reporter: Reporter = {
    name: 'rec',
    onRunStart: (p) => void (seen.started = p.cells.length),
    onCellEnd: (c) => void seen.ended.push(`${c.id}:${c.status}`),
    onRunEnd: (r, reason) => void ((seen.report = r), (seen.reason = reason)),
  };
  return { seen, reporter };
}

const settings = (reportDir: string) => ({ jobs: 2, timeoutMs: 5_000, retries: 0, reportDir, strict: false });

describe('executeRun', () => {
  it('runs every cell through the given backend, reports, and gates', async () => {
    const { dir, plan } = await fixture();
    const backend = new FakeBackend();
    const { seen, reporter } = recorder();
    const out = await executeRun(plan, backend, settings(join(dir, 'r')), {
      reporter,
      warn: () => undefined,
      enrich: async (r) => ({
        regressions: [{ signature: 'x', cells: [r.cells[0]!.id], culprit: null, candidates: [] }],
      }),
    });
    expect(backend.ran.sort()).toEqual(plan.cells.map((c) => c.id).sort());
    expect(out.exitCode).toBe(1);
    expect(out.report.summary).toMatchObject({ total: 4, passed: 2, failed: 2, executed: 4 });
    expect(seen.started).toBe(4);
    expect(seen.ended.filter((e) => e.endsWith(':fail'))).toHaveLength(2);
    expect(seen.reason).toBe('failed');
    // what enrich returned reached the reporters with the report
    expect(seen.report?.regressions?.[0]?.signature).toBe('x');
  });

  it('runs only its shard, and a baseline that knows the failures passes the gate', async () => {
    const { dir, plan } = await fixture();
    const first = await executeRun(plan, new FakeBackend(), settings(join(dir, 'a')), {
      reporter: recorder().reporter,
      warn: () => undefined,
    });
    const baseline = baselineFromReport(first.report, 'now');
    const backend = new FakeBackend();
    const out = await executeRun(
      plan,
      backend,
      { ...settings(join(dir, 'b')), shard: { index: 1, count: 2 }, baseline },
      { reporter: recorder().reporter, warn: () => undefined },
    );
    expect(backend.ran).toHaveLength(2);
    expect(out.report.shard).toEqual({ index: 1, count: 2 });
    expect(out.comparison?.knownFailures.map((c) => c.arch)).toEqual(['i386']);
    expect(out.exitCode).toBe(0);
  });
});
