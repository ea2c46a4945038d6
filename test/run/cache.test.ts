import fc from 'fast-check';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson, decodeEntry, ResultCache, sha256 } from '../../src/run/cache.js';
import { tempDir } from '../helpers/temp.js';
import { makeCell } from './helpers.js';

function entryFile(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.json`);
}

describe('cacheKey', () => {
  it('ignores the cell id and the order of resolved symbols', () => {
    const a = makeCell({ id: 'one', resolved: { A: 'y', B: 'n' } });
    const b = makeCell({ id: 'two', resolved: { B: 'n', A: 'y' } });
    expect(cacheKey(a, 'sim:1')).toBe(cacheKey(b, 'sim:1'));
  });

  it('changes with any resolved content, the commit, the machine and the fingerprints', () => {
    const base = cacheKey(makeCell(), 'sim:1');
    expect(cacheKey(makeCell({ boot: 'mem=1G' }), 'sim:1')).not.toBe(base);
    expect(cacheKey(makeCell({ resolved: { HIGHMEM: 'y', CMA: 'y', X86_64: 'y' } }), 'sim:1')).not.toBe(base);
    expect(cacheKey(makeCell({ commit: 'f'.repeat(40) }), 'sim:1')).not.toBe(base);
    // a real tree's cell: its whole .config, by hash
    const withConfig = cacheKey(makeCell({ configHash: 'a'.repeat(64) }), 'sim:1');
    expect(withConfig).not.toBe(base);
    expect(cacheKey(makeCell({ configHash: 'b'.repeat(64) }), 'sim:1')).not.toBe(withConfig);
    expect(cacheKey(makeCell({ machine: { memory: 1 << 30, nodes: 2 } }), 'sim:1')).not.toBe(base);
    expect(cacheKey(makeCell(), 'sim:2')).not.toBe(base);
    expect(cacheKey(makeCell(), 'sim:1', 'switches')).not.toBe(base);
  });

  it('canonicalJson gives what the JSON.stringify replacer it replaced gave (cache keys stay valid)', () => {
    const before = (value: unknown) =>
      JSON.stringify(value, (_k, v: unknown) =>
        v && typeof v === 'object' && !Array.isArray(v)
          ? Object.fromEntries(
              Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
            )
          : v,
      );
    const withUndefined = fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined)));
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), withUndefined, fc.array(withUndefined)), (v) => {
        expect(canonicalJson(v)).toBe(before(v));
        const memo = new WeakMap<object, string>();
        expect(canonicalJson([v, v], memo)).toBe(before([v, v]));
      }),
    );
  });

  it('is the sha256 of canonical JSON of content and fingerprints, as always (cache keys stay valid)', () => {
    const symbols = fc.dictionary(fc.string({ minLength: 1 }), fc.constantFrom('y', 'n'));
    const machine = fc.option(fc.record({ memory: fc.nat(), nodes: fc.nat() }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        symbols,
        machine,
        fc.string(),
        fc.string(),
        (arch, boot, resolved, m, fp, cellFp) => {
          const cell = makeCell({ arch, boot, resolved, commit: `${boot}!`, ...(m ? { machine: m } : {}) });
          if (!m) delete (cell as { machine?: unknown }).machine;
          const content = { arch, resolved, boot, workload: cell.workload, machine: m, commit: cell.commit };
          expect(cacheKey(cell, fp, cellFp)).toBe(
            sha256(canonicalJson({ v: 1, content, backend: fp, cell: cellFp })),
          );
        },
      ),
    );
  });

  it('canonicalJson sorts nested keys', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 0 }] } })).toBe(
      '{"a":{"c":[3,{"e":0,"f":1}],"d":2},"b":1}',
    );
  });
});

describe('ResultCache', () => {
  it('round-trips small and large (compressed) logs', async () => {
    const dir = tempDir();
    const cache = new ResultCache(dir);
    const big = 'BUG: something\n'.repeat(10_000);
    await cache.put('a'.repeat(64), {
      status: 'fail',
      signature: 'BUG: something',
      durationMs: 12,
      attempts: 2,
      log: big,
      truncated: true,
    });
    await cache.put('b'.repeat(64), { status: 'pass', durationMs: 3, attempts: 1, log: 'ok\n' });
    expect(await cache.get('a'.repeat(64))).toEqual({
      status: 'fail',
      signature: 'BUG: something',
      durationMs: 12,
      attempts: 2,
      log: big,
      truncated: true,
    });
    expect(await cache.get('b'.repeat(64))).toEqual({
      status: 'pass',
      durationMs: 3,
      attempts: 1,
      log: 'ok\n',
    });
    expect(readFileSync(entryFile(dir, 'a'.repeat(64)), 'utf8')).toContain('logGz');
    expect(await cache.get('c'.repeat(64))).toBeUndefined();
  });

  it('treats partial, corrupt and mismatched entries as misses', async () => {
    const dir = tempDir();
    const cache = new ResultCache(dir);
    const key = 'd'.repeat(64);
    await cache.put(key, { status: 'pass', durationMs: 1, attempts: 1, log: 'fine' });
    const whole = readFileSync(entryFile(dir, key), 'utf8');
    writeFileSync(entryFile(dir, key), whole.slice(0, whole.length / 2));
    expect(await cache.get(key)).toBeUndefined();
    writeFileSync(entryFile(dir, key), whole.replace(key, 'e'.repeat(64)));
    expect(await cache.get(key)).toBeUndefined();
    writeFileSync(entryFile(dir, key), whole.replace('"pass"', '"error"'));
    expect(await cache.get(key)).toBeUndefined();
    expect(
      decodeEntry('{"v":1,"key":"k","status":"pass","durationMs":1,"attempts":1,"logGz":"!!!"}', 'k'),
    ).toBeUndefined();
  });

  it('leaves no temp files behind and survives concurrent writers of the same key', async () => {
    const dir = tempDir();
    const writers = Array.from({ length: 8 }, () => new ResultCache(dir));
    const key = 'f'.repeat(64);
    await Promise.all(
      writers.map((c, i) =>
        c.put(key, { status: 'pass', durationMs: i, attempts: 1, log: `writer ${i}\n`.repeat(i * 1000) }),
      ),
    );
    const got = await new ResultCache(dir).get(key);
    expect(got?.status).toBe('pass');
    expect(got?.log).toBe(`writer ${got?.durationMs}\n`.repeat(got!.durationMs * 1000));
    expect(readdirSync(join(dir, 'ff'))).toEqual([`${key}.json`]);
  });

  it('put throws when the cache directory cannot be written', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    mkdirSync(join(dir, 'sub'));
    await expect(
      new ResultCache(join(dir, 'file')).put('a'.repeat(64), {
        status: 'pass',
        durationMs: 1,
        attempts: 1,
        log: '',
      }),
    ).rejects.toThrow();
  });
});
