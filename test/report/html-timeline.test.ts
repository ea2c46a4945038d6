/**
 * report.html's timeline over commits and its signature panel, in headless Chromium, on a real
 * `run --bisect` of a seed matrix (four commits of the 4.17 cycle, one culprit found).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/reporters/html.js';
import { MAX_TIMELINE_ROWS, timelineSection } from '../../src/report/reporters/html-history.js';
import type { CellResult, RunReport } from '../../src/report/schema.js';
import { ROOT, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fixtureReport, IN_CI } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const SKIP = !HAVE && !IN_CI;
const title = (t: string) => (SKIP ? `${t} (SKIPPED: ${CHROMIUM} not found; apt-get install chromium)` : t);

const BAD = 'd3f20e92793a';
const REGRESSED = [`i386.HIGHMEM-y.CMA-y.cma-4M.boot@${BAD}`, `i386.HIGHMEM-y.CMA-y.cma-4M.dma-alloc@${BAD}`];

/** How many distinct colours a PNG shows, counted by the browser's own decoder. */
function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = img.width;
    canvas.height = img.height;
    const g = canvas.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const px = g.getImageData(0, 0, img.width, img.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i]! << 16) | (px[i + 1]! << 8) | px[i + 2]!);
    return seen.size;
  }, png.toString('base64'));
}

describe('the timeline and signature panel of report.html', () => {
  it('are left out of a run over one commit', () => {
    const html = renderHtml(fixtureReport(), 'failed', () => '');
    expect(html).not.toContain('id="timeline"');
    expect(html).toContain('id="signatures"');
  });

  it('shows at most MAX_TIMELINE_ROWS configurations, and says so', () => {
    const base = fixtureReport();
    const cell = base.cells[0]!;
    const n = MAX_TIMELINE_ROWS + 1;
    const cells: CellResult[] = [];
    for (let i = 0; i < n; i++)
      for (const commit of ['a'.repeat(40), 'b'.repeat(40)])
        cells.push({ ...cell, id: `c${i}@${commit[0]}`, boot: `mem=${i}M`, commit });
    const html = timelineSection({ ...base, cells } as RunReport);
    expect(html.match(/<tr><th class="rowhead">/g)).toHaveLength(MAX_TIMELINE_ROWS);
    expect(html).toContain(`First ${MAX_TIMELINE_ROWS} of ${n} configurations.`);
  });
});

describe.skipIf(SKIP)('report.html over commits in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!HAVE) throw new Error(`${CHROMIUM} is missing but CI=true: .ci/run installs chromium`);
    const dir = tempDir();
    const seed = join(ROOT, 'matrices/seed-000-cma-highmem.yaml');
    const r = runCli(['run', seed, '--bisect', '--reporter', 'html', '--report-dir', 'out'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(1);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(pathToFileURL(join(dir, 'out', 'report.html')).href);
    expect(readFileSync(join(dir, 'out', 'report.json'), 'utf8')).toContain('"commits"');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it(title('lays configurations against commits in history order, first failures outlined'), async () => {
    expect(await page.locator('#timeline th.commit').allTextContents()).toEqual([
      'fb1b45c4ee92 (v4.16)',
      `${BAD} (v4.17-rc5)`,
      '16b06d5ffb24',
      'ea2f24700c78 (v4.17)',
    ]);
    // 2 arches x HIGHMEM x CMA x 2 workloads
    expect(await page.locator('#timeline tbody tr').count()).toBe(16);
    const firstFails = page.locator('#timeline td.first-fail [data-open-cell]');
    expect(
      (await firstFails.evaluateAll((els) => els.map((x) => x.getAttribute('data-open-cell')))).sort(),
    ).toEqual(REGRESSED);
    // the NULL dereference at 16b06d5ffb24 is a later failure of the dma-alloc row, not its first
    const dma = page.locator('#timeline tbody tr', { hasText: /CMA=y.*workload=dma-alloc/ }).first();
    expect(await dma.locator('td').nth(2).getAttribute('class')).toBe('tl bg-fail');
  });

  it(title('flags the culprit --bisect found on the cells it explains'), async () => {
    const flagged = page.locator('#timeline td.culprit-cell [data-open-cell]');
    expect(
      (await flagged.evaluateAll((els) => els.map((x) => x.getAttribute('data-open-cell')))).sort(),
    ).toEqual(REGRESSED);
    expect(await page.locator('#timeline ul.culprits').textContent()).toContain(
      'first bad commit bad8c6c0b114 mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE',
    );
  });

  it(title('lists each signature with its count, commits, culprit and cells'), async () => {
    const rows = page.locator('#signatures tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').allTextContents()).toEqual([
      'BUG: Bad page state in process swapper pfn:N',
      '2',
      `${BAD} (v4.17-rc5)`,
      'bad8c6c0b114 mm/cma: manage the memory of the CMA area by using the ZONE_MOVABLE',
      '✗✗',
    ]);
    expect(await rows.nth(1).locator('td.count').textContent()).toBe('1');
  });

  it(title('opens a cell from the timeline, and shows a picture that is not blank'), async () => {
    await page.click(`#timeline [data-open-cell="${REGRESSED[0]}"]`);
    await expect
      .poll(() => page.locator('#detail-signature').textContent())
      .toBe('BUG: Bad page state in process swapper pfn:N');
    const shot = await page.locator('#timeline').screenshot();
    // white, text, the pass/fail tints, the outline: a blank or unstyled table has far fewer
    expect(await distinctColours(page, shot)).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
  });
});
