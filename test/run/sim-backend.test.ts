import { describe, expect, it } from 'vitest';
import type { CommitState, History } from '../../src/history/types.js';
import { outcomeOf, SimBackend } from '../../src/run/backends/sim.js';
import { canonicalJson } from '../../src/run/cache.js';
import { cellAxes, commitFacts, simInput } from '../../src/run/sim-input.js';
import { MODEL_VERSION } from '../../src/sim/index.js';
import { runPool } from '../../src/run/pool.js';
import { tempDir } from '../helpers/temp.js';
import { makeCell } from './helpers.js';

/** Two commits; the second injects a failure on workload=kpageflags and is otherwise equal. */
function history(): History {
  const commits = [
    { sha: 'a'.repeat(40), subject: 'good', tags: ['v1'], set: {}, buildBroken: false },
    { sha: 'b'.repeat(40), subject: 'bad', tags: ['v2'], set: {}, buildBroken: false },
    { sha: 'c'.repeat(40), subject: 'broken', tags: [], set: {}, buildBroken: true },
  ];
  const state = (i: number): CommitState => ({
    sha: commits[i]!.sha,
    subject: commits[i]!.subject,
    buildBroken: commits[i]!.buildBroken,
    switches:
      i >= 1
        ? {
            inject: [
              { when: { workload: 'kpageflags' }, fail: 'BUG: Bad page state in process cat pfn:00123' },
            ],
          }
        : {},
    symbolNames: {},
  });
  return {
    kind: 'sim',
    name: 'h',
    source: '/h.yaml',
    commits,
    index: new Map(commits.map((c, i) => [c.sha, i])),
    stateAt: state,
  };
}

const x86 = {
  X86_64: 'y',
  '64BIT': 'y',
  MMU: 'y',
  SMP: 'y',
  SPARSEMEM: 'y',
  SPARSEMEM_VMEMMAP: 'y',
  SPARSEMEM_VMEMMAP_ENABLE: 'y',
} as const;

describe('simInput', () => {
  it('maps a cell and its commit state to the simulator input', () => {
    const cell = makeCell({
      commit: 'b'.repeat(40),
      commitLabel: 'v2',
      kconfig: { CMA: 'y' },
      resolved: { CMA: 'y', HIGHMEM: 'n' },
      boot: 'cma=64M',
      workload: 'kpageflags',
      machine: { memory: 8 * 2 ** 30, nodes: 2 },
    });
    const input = simInput(cell, commitFacts(cell, history()), 1, 7);
    expect(input.config).toEqual({ CMA: true, HIGHMEM: false });
    expect(input.commit).toEqual({ sha: 'b'.repeat(40), subject: 'bad' });
    expect(input.axes).toEqual({
      arch: 'x86_64',
      'kconfig.CMA': 'y',
      boot: 'cma=64M',
      workload: 'kpageflags',
      memory: '8G',
      nodes: '2',
      commit: 'v2',
    });
    expect(input).toMatchObject({ attempt: 1, seed: 7, machine: { memory: 8 * 2 ** 30, nodes: 2 } });
    expect(input.buildBroken).toBeUndefined();
    expect(
      simInput(
        makeCell({ commit: 'c'.repeat(40) }),
        commitFacts(makeCell({ commit: 'c'.repeat(40) }), history()),
        0,
        0,
      ).buildBroken,
    ).toBe(true);
    expect(cellAxes(makeCell()).commit).toBe('v6.8');
  });
});

describe('SimBackend (in-process)', () => {
  const backend = new SimBackend({ history: history(), seed: 0, workers: 1 });
  const ctx = { signal: new AbortController().signal, attempt: 0, logDir: '/nonexistent' };

  it('fingerprints the model version and the seed, and per cell the commit state', () => {
    expect(backend.fingerprint()).toBe(`sim:${MODEL_VERSION}:seed=0`);
    expect(new SimBackend({ seed: 1, workers: 1 }).fingerprint()).not.toBe(backend.fingerprint());
    const good = makeCell({ commit: 'a'.repeat(40) });
    const bad = makeCell({ commit: 'b'.repeat(40) });
    expect(backend.cellFingerprint(good)).not.toBe(backend.cellFingerprint(bad));
  });

  it('cell fingerprint: canonical JSON of commit facts and cell axes, as always (keys stay valid)', () => {
    for (const commit of ['a'.repeat(40), 'b'.repeat(40), 'not-in-history']) {
      const cell = makeCell({ commit, kconfig: { ZZ: 'y', AA: 'n' } });
      const expected = canonicalJson({ commit: commitFacts(cell, history()), axes: cellAxes(cell) });
      expect(backend.cellFingerprint(cell)).toBe(expected);
      expect(backend.cellFingerprint(cell)).toBe(expected);
    }
  });

  it('runs the simulator: a pass, an injected failure with signature, a broken build as skip', async () => {
    const cell = (commit: string, workload: string) =>
      makeCell({ commit, workload, resolved: { ...x86 }, kconfig: {} });
    const pass = await backend.run(cell('a'.repeat(40), 'kpageflags'), ctx);
    expect(pass.verdict).toBe('pass');
    expect(pass.log.length).toBeGreaterThan(0);
    const fail = await backend.run(cell('b'.repeat(40), 'kpageflags'), ctx);
    expect(fail.verdict).toBe('fail');
    expect(fail.signature).toMatch(/^BUG: Bad page state in process cat/);
    expect((await backend.run(cell('c'.repeat(40), 'boot'), ctx)).verdict).toBe('skip');
    expect(backend.threaded).toBe(false);
  });

  it('turns a simulator crash into an infrastructure error', () => {
    expect(outcomeOf({ crash: 'TypeError: x is undefined\n    at f' })).toEqual({
      verdict: 'error',
      signature: 'simulator crashed: TypeError: x is undefined',
      log: 'TypeError: x is undefined\n    at f\n',
    });
  });
});

describe('SimBackend (worker threads)', () => {
  const stub = new URL('../fixtures/commands/sim-worker-stub.mjs', import.meta.url);

  it('replaces workers stuck on a cell that never ends, so later cells still run', async () => {
    const backend = new SimBackend({ seed: 0, workers: 2, batchSize: 4, workerUrl: stub });
    expect(backend.threaded).toBe(true);
    // two batches in flight, each with a hanging cell: both workers get stuck; the third batch needs
    // replacements
    const boots = ['a', 'b', 'hang', 'c', 'd', 'hang', 'e', 'f', 'g', 'h', 'i', 'j'];
    const cells = boots.map((boot, i) => makeCell({ id: `${i}-${boot}`, boot }));
    const dir = tempDir();
    try {
      // 3 s, not less: a replacement worker starting on a loaded machine must not time out itself
      const run = await runPool(cells, { backend, jobs: 8, timeoutMs: 3000, retries: 0, reportDir: dir });
      expect(run.results.map((r) => r.status)).toEqual([
        ...Array(8).fill('timeout'),
        'pass',
        'pass',
        'pass',
        'pass',
      ]);
    } finally {
      await backend.close();
    }
  });
});
