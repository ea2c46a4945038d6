import { describe, expect, it } from 'vitest';
import { Multiplexer } from '../../src/report/multiplexer.js';
import type { Reporter, RunStart } from '../../src/report/types.js';
import { bufferWriter, fixtureReport } from './helpers.js';

function recorder(name: string, log: string[]): Reporter {
  return {
    name,
    onRunStart: () => void log.push(`${name}:start`),
    onCellEnd: (c) => void log.push(`${name}:cell:${c.id}`),
    onRunEnd: (_r, reason) => void log.push(`${name}:end:${reason}`),
  };
}

const report = fixtureReport();
const plan: RunStart = {
  matrix: report.matrix,
  file: 'm.yaml',
  reportDir: '/tmp/x',
  startedAt: report.startedAt,
  cells: report.cells,
  axes: [],
};
const [c1, c2] = report.cells;

describe('Multiplexer', () => {
  it('calls every reporter hook in reporter order', async () => {
    const log: string[] = [];
    const mux = new Multiplexer([recorder('a', log), recorder('b', log)], bufferWriter());
    await mux.onRunStart(plan);
    await mux.onCellEnd(c1!);
    await mux.onRunEnd(report, 'failed');
    expect(log).toEqual([
      'a:start',
      'b:start',
      `a:cell:${c1!.id}`,
      `b:cell:${c1!.id}`,
      'a:end:failed',
      'b:end:failed',
    ]);
  });

  it('isolates a reporter that throws synchronously: printed once, the others go on', async () => {
    const log: string[] = [];
    const err = bufferWriter();
    const bad: Reporter = {
      name: 'bad',
      onCellEnd() {
        throw new Error('disk on fire');
      },
      onRunEnd: () => void log.push('bad:end'),
    };
    const mux = new Multiplexer([bad, recorder('good', log)], err);
    await mux.onRunStart(plan);
    await mux.onCellEnd(c1!);
    await mux.onCellEnd(c2!);
    await mux.onRunEnd(report, 'failed');
    expect(err.text()).toBe('kmatrix: reporter bad failed: disk on fire\n');
    expect(log).toEqual(['good:start', `good:cell:${c1!.id}`, `good:cell:${c2!.id}`, 'good:end:failed']);
    expect(mux.failures).toEqual(['bad']);
  });

  it('isolates a reporter whose hook rejects asynchronously', async () => {
    const log: string[] = [];
    const err = bufferWriter();
    const bad: Reporter = {
      name: 'slow-bad',
      async onRunEnd() {
        await new Promise((r) => setTimeout(r, 1));
        throw new Error('upload refused');
      },
    };
    const mux = new Multiplexer([bad, recorder('good', log)], err);
    await mux.onRunEnd(report, 'passed');
    expect(err.text()).toBe('kmatrix: reporter slow-bad failed: upload refused\n');
    expect(log).toEqual(['good:end:passed']);
  });

  it('skips hooks a reporter does not implement', async () => {
    const err = bufferWriter();
    const mux = new Multiplexer([{ name: 'empty' }], err);
    await mux.onRunStart(plan);
    await mux.onCellEnd(c1!);
    await mux.onRunEnd(report, 'passed');
    expect(err.text()).toBe('');
    expect(mux.failures).toEqual([]);
  });
});
