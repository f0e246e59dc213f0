/** The field-accuracy table on the overview, in real headless Chromium. */
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTests, launchChromium, openReport } from './chromium.js';
import { writeHtmlReport } from '../../../src/report/html/index.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { header, samplesFor, writeRun } from './fixtures.js';
import { writeExtractionRun } from './fieldAccuracyFixture.js';

let browser: Browser;
let project: TempProject;
let withFields: string;
let withoutFields: string;

describe.runIf(browserTests.run)('Field accuracy in Chromium', () => {
  beforeAll(async () => {
    project = await tempProject();
    withFields = pathToFileURL(await writeHtmlReport({ runs: [{ dir: await writeExtractionRun(project.path('r1')) }] }, project.path('fields.html'))).href;
    const plain = await writeRun(project.path('r2'), header('tickets', ['v2'], ['model-a'], 14), samplesFor('v2', 'cand'));
    withoutFields = pathToFileURL(await writeHtmlReport({ runs: [{ dir: plain }] }, project.path('plain.html'))).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await project?.cleanup();
  });

  it('shows per field and cell how often it was right', async () => {
    const { page, errors } = await openReport(browser, withFields);
    expect(await page.isVisible('#field-accuracy-table')).toBe(true);
    expect(await page.locator('#field-accuracy-table thead th').allTextContents()).toEqual(['field', 'v1 × model-a', 'v2 × model-a']);
    const rows: string[][] = [];
    for (const row of await page.locator('#field-accuracy-table tbody tr').all()) rows.push(await row.locator('td').allTextContents());
    expect(rows).toEqual([
      ['date', '75.0% 3/4', '100.0% 4/4'],
      ['total', '50.0% 2/4', '100.0% 4/4'],
      ['vendor', '100.0% 4/4', '75.0% 3/4'],
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('has no field-accuracy table when no scorer reports fields', async () => {
    const { page, errors } = await openReport(browser, withoutFields);
    expect(await page.locator('#field-accuracy').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
