/**
 * The report file in real headless Chromium, driven by playwright-core: the numbers, the filters,
 * the case diff, keyboard use, print, and that hostile outputs run no script. Which Chromium, and
 * when these tests skip or fail without one: see chromium.ts.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTests, launchChromium, openReport, type OpenedReport } from './chromium.js';
import { readRecord } from '../../../src/records/reader.js';
import { writeHtmlReport } from '../../../src/report/html/index.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { HOSTILE, writeComparisonFixture } from './fixtures.js';

let browser: Browser;
let project: TempProject;
let reportUrl: string;
let candidateDir: string;

function open(): Promise<OpenedReport> {
  return openReport(browser, reportUrl);
}

/** Evaluated in the page (as a string: this test program has no DOM types). */
const FOCUSED_CASE = "document.activeElement && document.activeElement.querySelector('td.case-id') && document.activeElement.querySelector('td.case-id').textContent";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

async function caseIds(page: Page): Promise<string[]> {
  return page.$$eval('#case-rows td.case-id', (cells) => cells.map((cell) => cell.textContent ?? ''));
}

async function showRegressed(page: Page): Promise<void> {
  await page.click('#tab-cases');
  await page.click('button[data-flag="regressed"]');
}

describe.runIf(browserTests.run)('HTML report in Chromium', () => {
  beforeAll(async () => {
    project = await tempProject();
    const fixture = await writeComparisonFixture(project.root);
    candidateDir = fixture.candidate;
    const file = await writeHtmlReport({ runs: [{ dir: fixture.baseline }, { dir: fixture.candidate }], comparison: fixture.comparison }, project.path('report.html'));
    reportUrl = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await project?.cleanup();
  });

  it('shows the verdict and the numbers of the known record on the overview', async () => {
    const { page, errors } = await open();
    const record = await readRecord(join(candidateDir, 'run.jsonl'));
    const cell = record.summary!.cells[0]!;
    expect(await page.textContent('#verdict-word')).toBe('fail');
    const row = page.locator('#cells-table tr[data-cell="1"]');
    expect(await row.locator('td.pass-rate').textContent()).toBe(`${pct(cell.passRate)} [${pct(cell.passRateInterval.low)}–${pct(cell.passRateInterval.high)}] fail`);
    expect(await row.locator('td.mean-score').textContent()).toContain(cell.meanScore.toFixed(3));
    expect(await row.locator('td.cost').textContent()).toBe(`$${cell.costUsd.toFixed(4)}`);
    expect(await row.locator('td.p95').textContent()).toBe(`${cell.latencyMs.p95} ms`);
    expect(await row.locator('td.errors').textContent()).toBe('timeout: 1');
    expect(await page.textContent('#card-regressed')).toBe('2');
    expect(await page.textContent('#pairs-table tbody tr')).toContain('-28.6 pp');
    expect(errors).toEqual([]);
    // A screenshot for the CI artifacts.
    await mkdir(resolve('reports/screenshots'), { recursive: true });
    await page.screenshot({ path: resolve('reports/screenshots/test-overview.png'), fullPage: true });
    await page.close();
  });

  it('filters the case list to exactly the regressed cases, and back', async () => {
    const { page } = await open();
    await page.click('#tab-cases');
    expect(await caseIds(page)).toHaveLength(7);
    await page.click('button[data-flag="regressed"]');
    expect(await caseIds(page)).toEqual(['c1-refund', HOSTILE.id]);
    await page.click('button[data-flag="errored"]');
    expect(await caseIds(page)).toEqual(['c6-timeout']);
    await page.selectOption('#filter-tag', 'bug');
    await page.click('button[data-flag="all"]');
    expect(await caseIds(page)).toEqual(['c3-export', 'c4-flaky', 'c7-export-homoglyph']);
    await page.fill('#filter-text', 'homoglyph');
    await expect.poll(() => page.locator('#case-rows tr').count()).toBe(1); // the search box is debounced
    expect(await caseIds(page)).toEqual(['c7-export-homoglyph']);
    await page.close();
  });

  it('sorts by score delta and filters by a clicked matrix cell', async () => {
    const { page } = await open();
    await page.click('#tab-cases');
    await page.selectOption('#sort', 'asc');
    expect((await caseIds(page)).slice(0, 2)).toEqual(['c1-refund', HOSTILE.id]);
    await page.click('#tab-matrix');
    await page.click('#matrix button.cell[data-cell="0"]');
    expect(await page.isVisible('#cases')).toBe(true);
    expect(await page.textContent('#cell-filter')).toContain('baseline: v1 × model-a');
    expect(await caseIds(page)).toHaveLength(7);
    await page.close();
  });

  it('opens a case with a word diff of the outputs, scores, prompt and chaos source', async () => {
    const { page } = await open();
    await showRegressed(page);
    await page.click('#case-rows tr >> text=c1-refund');
    const baseline = page.locator('#case-detail pre.out[data-side="baseline"]').first();
    const candidate = page.locator('#case-detail pre.out[data-side="candidate"]').first();
    expect(await baseline.locator('del').allTextContents()).toEqual(['wants a refund for the duplicate charge']);
    expect(await candidate.locator('ins').allTextContents()).toEqual(['asks about pricing plans']);
    expect(await candidate.textContent()).toBe('The customer asks about pricing plans.');
    const detail = (await page.textContent('#case-detail')) ?? '';
    expect(detail).toContain('output differs from expected');
    expect(detail).toContain('tokens 100 in / 20 out');
    expect(detail).toContain('stop: end_turn');
    expect(await page.locator('#case-detail details summary').allTextContents()).toEqual(['Rendered prompt (baseline)', 'Rendered prompt (candidate)']);
    expect(await page.locator('#case-detail details pre').nth(1).textContent()).toBe('Classify ticket c1-refund: a plain ticket');
    // The chaos case names its operator and opens its source case.
    await page.click('button[data-flag="all"]');
    await page.click('#case-rows tr >> text=c7-export-homoglyph');
    expect(await page.textContent('#case-detail .chaos')).toContain('chaos operator: homoglyphs');
    await page.click('#case-detail .chaos button');
    expect(await page.textContent('#case-title')).toContain('c3-export');
    await page.close();
  });

  it('runs no script from hostile outputs, ids, tags or prompts, and shows them as text', async () => {
    const { page, dialogs, requests, errors } = await open();
    await showRegressed(page);
    await page.click('#case-rows tr:nth-child(2)');
    await page.evaluate("document.querySelectorAll('#case-detail details').forEach((d) => { d.open = true; })");
    await page.hover('#case-rows .tag');
    await page.click('#tab-charts');
    await page.click('#tab-robustness');
    await page.click('#tab-cases');
    await page.waitForTimeout(100);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    expect(await page.locator('#case-detail img, #case-detail svg, #case-detail a, #case-detail script, #evil-link').count()).toBe(0);
    const candidate = await page.locator('#case-detail pre.out[data-side="candidate"]').allTextContents();
    expect(candidate[0]).toBe(HOSTILE.script + HOSTILE.closeScript);
    expect(candidate[1]).toBe(HOSTILE.handler + HOSTILE.link);
    const baseline = await page.locator('#case-detail pre.out[data-side="baseline"]').allTextContents();
    expect(baseline[1]).toContain('safe ⟨U+202E⟩txt.exe⟨U+202C⟩ and ⟨U+2066⟩isolated⟨U+2069⟩');
    expect(await page.textContent('#case-title')).toContain(HOSTILE.id);
    await page.close();
  });

  it('can be used from the keyboard: arrows move, Enter opens, Escape returns', async () => {
    const { page } = await open();
    await page.click('#tab-cases');
    await page.focus('#case-rows tr:first-child');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(FOCUSED_CASE)).toBe('c3-export');
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('case-title');
    expect(await page.textContent('#case-title')).toContain('c3-export');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(FOCUSED_CASE)).toBe('c3-export');
    await page.close();
  });

  it('prints the overview only', async () => {
    const { page } = await open();
    await page.click('#tab-cases');
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#overview')).toBe(true);
    expect(await page.isVisible('#cases')).toBe(false);
    expect(await page.isVisible('#tabs')).toBe(false);
    await page.close();
  });
});
