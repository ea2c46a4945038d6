/**
 * Text from matrices, histories and logs is data, not markup: escape sequences and `\r` in a
 * boot line or a failure reach the terminal visibly (`\x1b`), never raw (clear screen, set the
 * title); Markdown and HTML in a culprit subject or a signature reach summary.md and
 * $GITHUB_STEP_SUMMARY as text, never as an image or a heading.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/reporters/html.js';
import { renderMarkdown } from '../../src/report/reporters/markdown.js';
import { renderTable } from '../../src/report/reporters/table.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureReport } from '../report/helpers.js';
import { commandMatrix, STACK } from './helpers.js';

const ESC = '\x1b';
const HOSTILE_SUBJECT =
  'mm: fix ![px](https://evil.example/p.png) <img src=x onerror=alert(1)>\n## ✅ passed';

function hostileReport() {
  const report = fixtureReport();
  report.regressions = [
    {
      ...report.regressions![0]!,
      signature: `BUG: x ${ESC}]0;pwned\x07 <b>`,
      culprit: { sha: 'a'.repeat(40), subject: `${HOSTILE_SUBJECT}\r${ESC}[2J` },
    },
  ];
  report.cells[0]!.signature = `Oops ${ESC}[2J\r[ok]`;
  report.cells[0]!.status = 'fail';
  return report;
}

describe('escaping what the terminal and summary.md show', () => {
  it('the table shows a boot line and a failure line with escapes visibly, none raw', () => {
    const dir = tempDir();
    const script =
      "process.stdout.write('Kernel panic - not syncing: \\x1b]0;pwned\\x07\\x1b[2J\\rgone\\n');" +
      'process.exit(1)';
    const file = commandMatrix(dir, [`kmx=pass ${ESC}[2J${ESC}]0;title\x07\rX`], {
      command: [process.execPath, '-e', script],
    });
    const r = runCli(['run', file, '--report-dir', 'out', '--no-cache', '--no-progress'], { cwd: dir });
    expect(r.stderr).not.toMatch(STACK);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).toContain('kmx=pass \\x1b[2J\\x1b]0;title\\x07\\rX');
    expect(r.stdout).toContain('Kernel panic - not syncing: \\x1b]0;pwned\\x07\\x1b[2J');
  });

  it('renderTable escapes culprit subjects and signatures', () => {
    const text = renderTable(hostileReport(), { color: false });
    expect(text).not.toContain(ESC);
    expect(text).not.toContain('\r');
    expect(text).toContain('\\x1b]0;pwned\\x07');
    expect(text).toContain('\\n## ✅ passed\\r\\x1b[2J');
  });

  it('summary.md shows a hostile culprit subject and signature as text', () => {
    const md = renderMarkdown(hostileReport(), 'failed');
    expect(md).not.toContain('![px](');
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/^#+ ✅ passed/m);
    expect(md).not.toContain(ESC);
    expect(md).toContain(
      '\\!\\[px\\]\\(https://evil.example/p.png\\) &lt;img src=x onerror=alert\\(1\\)&gt;',
    );
    expect(md).toMatch(/\| `BUG: x \\x1b\]0;pwned\\x07 <b>` \|/);
  });

  it('report.html keeps a hostile culprit subject and signature escaped', () => {
    const html = renderHtml(hostileReport(), 'failed', () => undefined);
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<b>');
  });

  it('error messages and reporter failures show escapes from the code they quote, none raw', () => {
    const dir = tempDir();
    const file = commandMatrix(dir, ['kmx=pass']);
    writeFileSync(path.join(dir, 'load.mjs'), "throw new Error('\\x1b[2Jload');\n");
    writeFileSync(
      path.join(dir, 'hook.mjs'),
      "export default { onRunEnd() { throw new Error('\\x1b]0;title\\x07hook'); } };\n",
    );
    const load = runCli(['run', file, '--report-dir', 'a', '--reporter', './load.mjs'], { cwd: dir });
    expect(load.exitCode).toBe(2);
    expect(load.stderr).not.toContain(ESC);
    expect(load.stderr).toContain('cannot load reporter module ./load.mjs: \\x1b[2Jload');
    const hook = runCli(['run', file, '--report-dir', 'b', '--reporter', './hook.mjs', '--no-progress'], {
      cwd: dir,
    });
    expect(hook.exitCode).toBe(0);
    expect(hook.stderr).not.toContain(ESC);
    expect(hook.stderr).toContain('kmatrix: reporter ./hook.mjs failed: \\x1b]0;title\\x07hook');
  });
});
