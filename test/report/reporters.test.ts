import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReporterContext } from '../../src/report/context.js';
import { createReporters } from '../../src/report/registry.js';
import { renderHtml } from '../../src/report/reporters/html.js';
import { renderJunit } from '../../src/report/reporters/junit.js';
import { renderMarkdown } from '../../src/report/reporters/markdown.js';
import { renderTable } from '../../src/report/reporters/table.js';
import { summarize } from '../../src/report/summary.js';
import type { RunReport } from '../../src/report/schema.js';
import { bufferWriter, cellById, fixtureReport, fixtureRun } from './helpers.js';
import { tempDir } from '../helpers/temp.js';

const ANSI = /\x1b\[/;
const BAD_PAGE = 'i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc';
const NULL_DEREF = 'x86_64-HIGHMEM_n-CMA_y-mem_4G_movablecore_256M-boot';

function ctx(dir: string, extra: Partial<ReporterContext> = {}) {
  const stdout = bufferWriter();
  const stderr = bufferWriter();
  return {
    stdout,
    stderr,
    ctx: { reportDir: dir, stdout, stderr, color: false, env: {}, ...extra } as ReporterContext,
  };
}

describe('table reporter', () => {
  const report = fixtureReport();

  it('pivots rows arch x boot x workload against the kconfig combination', () => {
    const text = renderTable(report, { color: false });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/│ arch +│ boot +│ workload +│ HIGHMEM=y │ HIGHMEM=y │ HIGHMEM=n │ HIGHMEM=n │/);
    expect(lines[2]).toMatch(/│ +│ +│ +│ CMA=y +│ CMA=n +│ CMA=y +│ CMA=n +│/);
    // the Bad page state cell, the timeout, the NULL deref, the invalid x86_64 HIGHMEM=y cells
    expect(lines.find((l) => l.includes('i386') && l.includes('mem=1G ') && l.includes('dma-alloc'))).toMatch(
      /│ ✗ +│ ✓ +│ ✓ +│ ✓ +│$/,
    );
    expect(
      lines.find((l) => l.includes('i386') && l.includes('movablecore') && l.includes('dma-alloc')),
    ).toMatch(/│ ✗ +│ ✓ +│ T +│ ✓ +│$/);
    expect(
      lines.find((l) => l.includes('x86_64') && l.includes('movablecore') && l.includes(' boot ')),
    ).toMatch(/│ ∅ +│ ∅ +│ ✗ +│ ✓ +│$/);
    // a duplicate shares its original's position: two symbols
    expect(lines.find((l) => l.includes('i386') && l.includes('mem=1G ') && l.includes(' boot '))).toMatch(
      /│ ✓ +│ ✓= +│ ✓ +│ ! +│$/,
    );
    expect(text).not.toMatch(ANSI);
  });

  it('lists failing cells grouped by signature, failures first, then a summary line', () => {
    const text = renderTable(report, { color: false });
    const after = text.slice(text.indexOf('Failures by signature (5):'));
    const lines = after.split('\n');
    expect(lines[1]).toBe('  ✗ BUG: Bad page state in process swapper pfn:<pfn>  (2 cells)');
    expect(lines[2]).toBe(`      ${BAD_PAGE}  logs/${BAD_PAGE}.log`);
    expect(lines[4]).toBe('  ✗ BUG: unable to handle kernel NULL pointer dereference at <addr>  (1 cell)');
    expect(text).toContain('✓ pass  ✗ fail  ~ flaky  - skip  ∅ invalid  = duplicate  ! error  T timeout');
    expect(text.trimEnd().split('\n').at(-1)).toBe(
      '33 cells: 17 passed, 3 failed, 1 flaky, 1 timeout, 1 error, 1 skipped, 8 invalid, 1 duplicate ' +
        '(23 executed, 1 cached) in 31.2s',
    );
  });

  it('shows several symbols where several commits share a position, and honours rows/cols', () => {
    const a = report.cells.filter((c) => c.status === 'pass' && c.arch === 'i386');
    const other = 'b'.repeat(40);
    const cells = [
      ...a,
      ...a.map((c) => ({
        ...c,
        id: `${c.id}@b`,
        commit: other,
        status: 'fail' as const,
        signature: 'BUG: Bad page state in process swapper pfn:<pfn>',
      })),
    ];
    const r: RunReport = { ...report, cells, summary: summarize(cells) };
    const text = renderTable(r, { color: false, rows: ['arch'], cols: ['workload'] });
    const lines = text.split('\n');
    expect(lines[1]).toMatch(/│ arch +│ workload=boot +│ workload=dma-alloc +│/);
    const i386 = lines.find((l) => l.startsWith('│ i386'))!;
    // each position lays out HIGHMEM x CMA x boot x commit: the first commit passes, the second
    // fails; combinations without a passing i386 cell at the first commit are empty (·)
    expect(i386).toMatch(/│ i386 │ ✓✗✓✗✓✗✓✗✓✗✓✗··✓✗ │ ····✓✗✓✗✓✗··✓✗✓✗ +│/);
    expect(text).toContain(
      'stacked left to right in each position: HIGHMEM y, n; within each, CMA y, n; ' +
        'within each, boot mem=1G, mem=4G movablecore=256M; within each, commit 3f1c2a9d8e7b, bbbbbbbbbbbb',
    );
    const byCommit = renderTable(r, { color: false, rows: ['arch', 'commit'], cols: ['workload'] });
    expect(byCommit).toMatch(/│ i386 │ bbbbbbbbbbbb │ ✗✗✗✗✗✗·✗ +│ ··✗✗✗·✗✗ +│/);
  });

  it('stacks commits in history order and names them with their tags in a legend line', () => {
    const first = report.cells.filter((c) => c.arch === 'i386' && c.status === 'pass');
    const older = 'a'.repeat(40);
    // the older commit's cells come last in the report: the history decides the order
    const cells = [...first, ...first.map((c) => ({ ...c, id: `${c.id}@a`, status: 'fail' as const }))].map(
      (c, i) => (i >= first.length ? { ...c, commit: older } : c),
    );
    const commits = [
      { sha: older, subject: 'older', tags: ['v1.0', 'v1.0-final'] },
      { sha: report.cells[0]!.commit, subject: 'newer', tags: [] },
    ];
    const r: RunReport = { ...report, cells, commits, summary: summarize(cells) };
    const lines = renderTable(r, { color: false }).split('\n');
    expect(lines.find((l) => l.includes('mem=1G ') && l.includes(' boot '))).toMatch(/│ ✗✓ +│ ✗✓ +│ ✗✓ +│/);
    expect(lines).toContain(
      'stacked left to right in each position: commit aaaaaaaaaaaa (v1.0, v1.0-final), 3f1c2a9d8e7b',
    );
    // one commit: nothing stacks, no legend
    expect(renderTable(report, { color: false })).not.toContain('stacked left to right');
  });

  it('colours only when asked', () => {
    expect(renderTable(report, { color: true })).toMatch(ANSI);
  });
});

describe('json reporter', () => {
  it('writes report.json atomically in the schema key order and prints it with --json', async () => {
    const dir = tempDir();
    const { ctx: c, stdout } = ctx(dir, { json: true });
    const [json] = await createReporters(['json'], c);
    const report = { ...fixtureReport(), explanations: undefined };
    await json!.onRunEnd!(report, 'failed');
    const text = readFileSync(join(dir, 'report.json'), 'utf8');
    expect(Object.keys(JSON.parse(text)).slice(0, 7)).toEqual([
      'version',
      'matrix',
      'startedAt',
      'durationMs',
      'interrupted',
      'summary',
      'cells',
    ]);
    expect(JSON.parse(text).summary.failed).toBe(3);
    expect(stdout.text()).toBe(text);
    expect(readdirSync(dir)).toEqual(['report.json']); // no temp file left behind
  });
});

describe('junit reporter', () => {
  const run = fixtureRun();
  const report = fixtureReport();
  const xml = renderJunit(
    report,
    (c) => (c.log ? readFileSync(join(run, c.log), 'utf8').trimEnd() : ''),
    'ci-host',
  );

  it('has one testsuite for the matrix with the counts', () => {
    expect(xml).toContain(
      '<testsuite name="mm-highmem-cma" tests="33" failures="3" errors="2" skipped="10" time="31.234" ' +
        'timestamp="2025-03-14T09:26:53" hostname="ci-host">',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(33);
  });

  it('marks a failure with its signature and the log tail', () => {
    const tc = xml.slice(xml.indexOf(`name="${BAD_PAGE}"`) - 60);
    expect(tc).toMatch(
      new RegExp(
        [
          /^.*<testcase classname="mm-highmem-cma\.i386" /.source,
          /name="i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc" time="\d\.\d{3}">\n {6}/.source,
          /<failure type="fail" message="BUG: Bad page state in process swapper pfn:&lt;pfn&gt;">/.source,
        ].join(''),
        's',
      ),
    );
    expect(tc).toContain('cma_release+0x8b/0x110</failure>');
  });

  it('uses skipped for skip/invalid/duplicate and error for errors and timeouts', () => {
    expect(xml).toContain(
      '<skipped message="invalid: kconfig.HIGHMEM=y: HIGHMEM depends on X86_32 (resolved to n)"/>',
    );
    expect(xml).toContain('<skipped message="duplicate of i386-HIGHMEM_y-CMA_n-mem_1G-boot"/>');
    expect(xml).toContain('<skipped message="skip: untestable (exit 125)"/>');
    expect(xml).toContain(
      '<error type="timeout" message="watchdog: BUG: soft lockup - CPU#&lt;cpu&gt; stuck for &lt;n&gt;s!">',
    );
    expect(xml).toMatch(
      new RegExp(
        [
          /<error type="error" message="backend exited with status 255">/.source,
          /\[    0\.000000\] Linux version[^<]*qemu-system-i386: -m 1G: cannot set up guest memory/.source,
        ].join(''),
      ),
    );
    expect(xml).toMatch(
      /<system-out>flaky: passed after 2 attempts; earlier failure: WARNING: CPU: &lt;cpu&gt;/,
    );
  });

  it('escapes markup and replaces control characters XML cannot carry', () => {
    expect(xml).toContain('weird bytes: \\x07bell \\x1b[31mansi\\x1b[0m &lt;/script&gt;&lt;b&gt;&amp;amp;');
    expect(xml).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f]/);
    const nasty: RunReport = {
      ...report,
      matrix: 'a"b<c>&\'d\u0001',
      cells: [{ ...cellById(report, BAD_PAGE), signature: 'x\ny"\t' }],
    };
    const out = renderJunit(nasty, () => '', 'h');
    expect(out).toContain('<testsuite name="a&quot;b&lt;c&gt;&amp;&apos;d\\x01"');
    expect(out).toContain('message="x&#10;y&quot;&#9;"');
  });
});

describe('markdown reporter', () => {
  it('renders counts, failures by signature, regressions and explanations', () => {
    const md = renderMarkdown(fixtureReport(), 'failed');
    expect(md.split('\n')[0]).toBe('## kmatrix: `mm-highmem-cma` — ❌ failed');
    expect(md).toContain(
      '| passed | failed | flaky | timeouts | errors | ' +
        'skipped | invalid | duplicate | executed | cached |\n' +
        '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
        '| 17 | 3 | 1 | 1 | 1 | 1 | 8 | 1 | 23 | 1 |',
    );
    expect(md).toContain(
      '- `BUG: Bad page state in process swapper pfn:<pfn>` — 2 cells\n' +
        '  - `i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc`',
    );
    expect(md).toContain(
      '| `BUG: Bad page state in process swapper pfn:<pfn>` | ' +
        '`a1b2c3d4e5f6` mm/cma: release pages to the buddy allocator \\| highmem (verified) | 2 |',
    );
    expect(md).toContain(
      '- `BUG: unable to handle kernel NULL pointer dereference at <addr>` fails exactly when ' +
        '`arch=x86_64` & `kconfig.CMA=y` & `boot=mem=4G movablecore=256M` & `workload=boot` — 1 failing',
    );
  });

  it('writes summary.md and appends to $GITHUB_STEP_SUMMARY when set', async () => {
    const dir = tempDir();
    const step = join(tempDir(), 'step.md');
    writeFileSync(step, '# earlier step\n');
    const { ctx: c } = ctx(dir, { env: { GITHUB_STEP_SUMMARY: step } });
    const [md] = await createReporters(['markdown'], c);
    await md!.onRunEnd!(fixtureReport(), 'failed');
    const written = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(readFileSync(step, 'utf8')).toBe(`# earlier step\n${written}`);
    const { ctx: noStep } = ctx(tempDir());
    const [md2] = await createReporters(['markdown'], noStep);
    await md2!.onRunEnd!(fixtureReport(), 'failed');
    expect(readFileSync(step, 'utf8')).toBe(`# earlier step\n${written}`);
  });
});

describe('html reporter', () => {
  const run = fixtureRun();
  const report = fixtureReport();
  const html = renderHtml(report, 'failed', (c) => (c.log ? readFileSync(join(run, c.log), 'utf8') : ''));

  it('is one self-contained file: no external script, style, image or link', () => {
    expect(html).not.toMatch(/<(script|img|link|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('embeds the data so that log text cannot close the script element', () => {
    const data = html.slice(html.indexOf('<script type="application/json" id="kmatrix-data">'));
    const json = data.slice(data.indexOf('>') + 1, data.indexOf('</script>'));
    const parsed = JSON.parse(json) as {
      cells: Array<{ id: string; t?: number }>;
      logs: string[];
      axes: string[];
    };
    expect(parsed.axes).toEqual(['arch', 'kconfig.HIGHMEM', 'kconfig.CMA', 'boot', 'workload', 'commit']);
    const cell = parsed.cells.find((c) => c.id === NULL_DEREF)!;
    expect(parsed.logs[cell.t!]).toContain('weird bytes: \u0007bell');
    expect(parsed.logs[cell.t!]).toContain('</script><b>&amp;');
    // only failing cells carry a log tail
    expect(parsed.logs).toHaveLength(6);
  });

  it('is written by the reporter into the run folder', async () => {
    const { ctx: c } = ctx(run);
    const [h] = await createReporters(['html'], c);
    await h!.onRunEnd!(report, 'failed');
    expect(existsSync(join(run, 'report.html'))).toBe(true);
    expect(readFileSync(join(run, 'report.html'), 'utf8')).toContain(
      '<title>kmatrix: mm-highmem-cma (failed)</title>',
    );
  });
});
