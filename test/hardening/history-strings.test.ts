/**
 * A history is input too: a rename onto a symbol that exists at that commit would give wrong
 * values, and a control character in a string that reaches a log (a version with a newline)
 * would inject lines such as a fake `BUG:`. Both are refused with one located line, exit 2.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSimHistory } from '../../src/history/sim-history.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { ROOT, STACK } from './helpers.js';

const HISTORY = 'histories/linux-4.17-cma.yaml';

/** The seed-000 matrix and its history in a temp folder, the history edited by `edit`. */
function seed000(edit: (text: string) => string): string {
  const dir = tempDir();
  mkdirSync(path.join(dir, 'histories'));
  cpSync(path.join(ROOT, 'matrices', 'seed-000-cma-highmem.yaml'), path.join(dir, 'm.yaml'));
  const text = readFileSync(path.join(ROOT, 'matrices', HISTORY), 'utf8');
  writeFileSync(path.join(dir, HISTORY), edit(text));
  return dir;
}

const SECOND = '  - sha: 474ff85c334ba89c554aa75c44163ecda82b2a8c\n';

describe('history strings and renames', () => {
  it('a rename onto a symbol in force at that commit is refused, located at the rename', () => {
    const dir = seed000((t) => t.replace(SECOND, `${SECOND}    kconfig: {rename: {HIGHMEM: CMA}}\n`));
    const r = runCli(['plan', 'm.yaml'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(
      /^histories\/linux-4\.17-cma\.yaml:14:\d+: commits\[1\]\.kconfig\.rename\.HIGHMEM: /,
    );
    expect(r.stderr).toContain('cannot rename HIGHMEM onto CMA, a symbol that exists at this commit');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a rename onto a symbol that was removed or renamed away is still allowed', () => {
    const ok = parseSimHistory(
      'h.yaml',
      [
        'name: h',
        'commits:',
        '  - {sha: aaaaaaa, subject: one, kconfig: {rename: {CMA: CMA_NEW}}}',
        '  - {sha: bbbbbbb, subject: two, kconfig: {rename: {CMA_NEW: CMA}}}',
        '  - {sha: ccccccc, subject: three, kconfig: {remove: [HIGHMEM]}}',
        '  - {sha: ddddddd, subject: four, kconfig: {rename: {CMA: HIGHMEM}}}',
      ].join('\n'),
    );
    expect(ok.ok).toBe(true);
  });

  it('a version with a newline and a fake BUG: line is refused, located', () => {
    const dir = seed000((t) => t.replace('version: 4.16.0', 'version: "4.16.0\\nBUG: Bad page state"'));
    const r = runCli(['run', 'm.yaml', '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^histories\/linux-4\.17-cma\.yaml:11:\d+: commits\[0\]\.version: /);
    expect(r.stderr).toContain('contains a control character ("\\n")');
  });

  it('control characters in subjects, tags and names are refused, each located', () => {
    const r = parseSimHistory(
      'h.yaml',
      [
        'name: "h\\e]0;pwned\\a"',
        'commits:',
        '  - {sha: aaaaaaa, subject: "fix\\rBUG: x", tags: ["v1\\e[2J"]}',
      ].join('\n'),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const why = 'history strings reach logs and the terminal';
    expect(r.problems.map((p) => `${p.line}: ${p.path}: ${p.message}`)).toEqual([
      `1: name: contains a control character ("\\x1b"); ${why}`,
      `3: commits[0].subject: contains a control character ("\\r"); ${why}`,
      `3: commits[0].tags[0]: contains a control character ("\\x1b"); ${why}`,
    ]);
  });
});
