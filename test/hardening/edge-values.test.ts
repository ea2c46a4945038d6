/**
 * Values the fuzzers found slipping through the loaders (each was accepted or crashed before):
 * durations that round to zero or overflow a timer, sizes beyond 2^53, revisions with a newline,
 * a directory given as the matrix file.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { resolveRev } from '../../src/history/revs.js';
import { buildHistory } from '../../src/history/sim-history.js';
import { loadMatrix, loadMatrixText } from '../../src/matrix/load.js';
import { buildPlan } from '../../src/matrix/plan.js';
import { MAX_DURATION_MS, parseDuration, parseSize } from '../../src/matrix/units.js';
import { tempDir } from '../helpers/temp.js';

async function problems(text: string): Promise<string[]> {
  try {
    buildPlan(await loadMatrixText('m.yaml', text));
    return [];
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return e.message.split('\n');
  }
}

describe('durations and sizes a timer or the simulator cannot take', () => {
  it('parseDuration refuses zero after rounding and what setTimeout would overflow', () => {
    expect(parseDuration('0.0001ms')).toBeUndefined();
    expect(parseDuration('0s')).toBeUndefined();
    expect(parseDuration('99999999999999999999999h')).toBeUndefined();
    expect(parseDuration(1e300)).toBeUndefined();
    expect(parseDuration('24d')).toBeUndefined();
    expect(parseDuration('596h')).toBe(596 * 3_600_000);
    expect(parseDuration('597h')).toBeUndefined();
    expect(parseDuration(MAX_DURATION_MS / 1000)).toBe(MAX_DURATION_MS);
    expect(parseDuration('1ms')).toBe(1);
    expect(parseSize('99999999999999999999T')).toBeUndefined();
  });

  it('the matrix refuses them with a located line instead of timing every cell out at once', async () => {
    expect(await problems('name: x\ntimeout: 0s\nmatrix:\n  arch: [i386]\n')).toEqual([
      'm.yaml:2:10: timeout: duration out of range (at least 1ms and at most 24 days)',
    ]);
    expect(await problems('name: x\ntimeout: 99999999999999999999999h\nmatrix:\n  arch: [i386]\n')).toEqual([
      'm.yaml:2:10: timeout: duration out of range (at least 1ms and at most 24 days)',
    ]);
    expect(
      await problems('name: x\nmatrix:\n  arch: [i386]\nbackend:\n  command: [x]\n  timeout: 0.0001ms\n'),
    ).toEqual(['m.yaml:6:12: backend.timeout: duration out of range (at least 1ms and at most 24 days)']);
    expect(await problems('name: x\nmatrix:\n  memory: [1G, 99999999999999999999T]\n')).toEqual([
      'm.yaml:3:16: matrix.memory[1]: memory size out of range (more than 0 and at most 8191T)',
    ]);
    expect(await problems('name: x\nmachine: {memory: 0K}\nmatrix:\n  arch: [i386]\n')).toEqual([
      'm.yaml:2:19: machine.memory: memory size out of range (more than 0 and at most 8191T)',
    ]);
  });
});

describe('revisions and files', () => {
  it('a revision with a newline is an unknown commit, not a crash', () => {
    const h = buildHistory('h.yaml', {
      name: 'h',
      commits: [{ sha: 'abcdef1234', subject: 's', tags: ['v1'] }],
    });
    expect(resolveRev(h, 'v1\n~1')).toMatchObject({ ok: false });
    expect(resolveRev(h, 'v1\nx')).toMatchObject({
      ok: false,
      message: 'unknown commit or tag "v1\nx" in history h',
    });
    expect(resolveRev(h, 'v1')).toEqual({ ok: true, index: 0 });
  });

  it('a directory given as the matrix says so once', async () => {
    const dir = tempDir('kmatrix-edge-');
    await expect(loadMatrix(dir)).rejects.toThrow(new RegExp(`^${dir}:1:1: matrix file \\S+ is not a file$`));
    writeFileSync(path.join(dir, 'ok.yaml'), 'name: x\nmatrix:\n  arch: [i386]\n');
    expect((await loadMatrix(path.join(dir, 'ok.yaml'))).data.name).toBe('x');
  });
});

describe('one problem per mistake', () => {
  it('a zero or negative duration or size gets one line saying it must be more than 0', async () => {
    expect(await problems('name: x\ntimeout: 0\nmatrix:\n  arch: [i386]\n')).toEqual([
      'm.yaml:2:10: timeout: 0 is too small (it must be more than 0)',
    ]);
    expect(await problems('name: x\ntimeout: -5\nmatrix:\n  arch: [i386]\n')).toEqual([
      'm.yaml:2:10: timeout: -5 is too small (it must be more than 0)',
    ]);
    expect(await problems('name: x\nmatrix:\n  memory: [0]\n')).toEqual([
      'm.yaml:3:12: matrix.memory[0]: 0 is too small (it must be more than 0)',
    ]);
    expect(await problems('name: x\nmatrix:\n  nodes: [0]\n')).toEqual([
      'm.yaml:3:11: matrix.nodes[0]: 0 is too small (minimum 1)',
    ]);
    expect(await problems('name: x\ntimeout: 5x\nmatrix:\n  memory: [1.5, 8Q]\n')).toEqual([
      'm.yaml:2:10: timeout: invalid duration "5x" (write a duration like 30s, 10m or 1h)',
      'm.yaml:4:12: matrix.memory[0]: invalid memory size 1.5 (write a size like 8G, 512M or 1024K)',
      'm.yaml:4:17: matrix.memory[1]: invalid memory size "8Q" (write a size like 8G, 512M or 1024K)',
    ]);
  });
});

describe('backend paths', () => {
  it('a backend.cwd that is not a directory is a located problem, not an error in every cell', async () => {
    const dir = tempDir('kmatrix-edge-');
    writeFileSync(path.join(dir, 'file'), '');
    const text = (cwd: string) =>
      `name: x\nmatrix:\n  arch: [i386]\nbackend:\n  command: [./run.sh]\n  cwd: ${cwd}\n`;
    const load = (cwd: string) => loadMatrixText(path.join(dir, 'm.yaml'), text(cwd));
    await expect(load('./nope')).rejects.toThrow(
      new RegExp(
        `^${dir}/m\\.yaml:6:8: backend\\.cwd: no such directory \\./nope ` +
          '\\(cwd is relative to the matrix file\\)$',
      ),
    );
    await expect(load('file')).rejects.toThrow(/backend\.cwd: no such directory file/);
    expect((await load('.')).data.name).toBe('x');
    expect((await load(dir)).data.name).toBe('x');
  });
});
