import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReporters } from '../../src/report/registry.js';
import { bufferWriter, fixtureReport, fixtureRun, IN_CI } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE = existsSync(CHROMIUM);
const SKIP = !HAVE && !IN_CI;
const title = (t: string) => (SKIP ? `${t} (SKIPPED: ${CHROMIUM} not found; apt-get install chromium)` : t);

const NULL_DEREF = 'x86_64-HIGHMEM_n-CMA_y-mem_4G_movablecore_256M-boot';
const BAD_PAGE = 'i386-HIGHMEM_y-CMA_y-mem_1G-dma-alloc';

describe.skipIf(SKIP)('report.html in headless Chromium', () => {
  let browser: Browser;
  let url: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!HAVE) throw new Error(`${CHROMIUM} is missing but CI=true: .ci/run installs chromium`);
    const dir = fixtureRun();
    const [html] = await createReporters(['html'], {
      reportDir: dir,
      stdout: bufferWriter(),
      stderr: bufferWriter(),
      color: false,
    });
    await html!.onRunEnd!(fixtureReport(), 'failed');
    url = pathToFileURL(join(dir, 'report.html')).href;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open() {
    const page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    await page.goto(url);
    return { page, requests };
  }

  it(title("shows a failing cell's signature and log one click away"), async () => {
    const { page, requests } = await open();
    expect(await page.locator('#detail').isHidden()).toBe(true);
    await page.click(`#heatmap [data-cell-id="${NULL_DEREF}"]`);
    await expect
      .poll(() => page.locator('#log').textContent())
      .toContain('BUG: unable to handle kernel NULL pointer dereference at 0000000000000008');
    expect(await page.locator('#detail-signature').textContent()).toBe(
      'BUG: unable to handle kernel NULL pointer dereference at <addr>',
    );
    // log text is shown as text, not parsed as markup
    expect(await page.locator('#log').textContent()).toContain('</script><b>&amp;');
    expect(await page.locator('#detail .explain').textContent()).toContain('arch=x86_64 & kconfig.CMA=y');
    expect(requests).toEqual([]);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it(title('pivots any axis onto rows or columns and filters by status and axis value'), async () => {
    const { page } = await open();
    const heads = () => page.locator('#heatmap thead th').allTextContents();
    expect(await heads()).toContain('HIGHMEM=y');
    // move workload to the columns: its values become column headers
    await page.click('button[data-axis="workload"][data-place="cols"]');
    expect(await heads()).toEqual(expect.arrayContaining(['workload=boot', 'workload=dma-alloc']));
    // only failures: exactly the three failing cells remain
    for (const s of ['pass', 'flaky', 'skip', 'invalid', 'duplicate', 'error', 'timeout'])
      await page.uncheck(`input[data-status="${s}"]`);
    expect(await page.locator('#heatmap .chip').count()).toBe(3);
    expect(await page.locator('#shown').textContent()).toBe('3 of 33 cells shown');
    // and only i386
    await page.uncheck('input[data-axis="arch"][data-value="x86_64"]');
    const ids = await page
      .locator('#heatmap .chip')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-cell-id')));
    expect(ids.sort()).toEqual([BAD_PAGE, 'i386-HIGHMEM_y-CMA_y-mem_4G_movablecore_256M-dma-alloc']);
    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it(title('opens a cell from the failures-by-signature list'), async () => {
    const { page } = await open();
    await page.click('details.group >> nth=0');
    await page.click(`#failures a[data-cell-id="${BAD_PAGE}"]`);
    await expect
      .poll(() => page.locator('#log').textContent())
      .toContain('BUG: Bad page state in process swapper  pfn:3fe12');
    expect(pageErrors).toEqual([]);
    await page.close();
  });
});
