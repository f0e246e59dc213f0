/**
 * The Calibration view in real headless Chromium: the figures of the calibration file found beside
 * the run, the confusion matrix, and a hostile judge reason that must stay text.
 */
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTests, launchChromium, openReport, type OpenedReport } from './chromium.js';
import { calibrationPath, writeCalibration } from '../../../src/judge/calibration/store.js';
import { writeHtmlReport } from '../../../src/report/html/index.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';
import { calibrationFixture, header, HOSTILE, promptsFor, samplesFor, writeRun } from './fixtures.js';

let browser: Browser;
let project: TempProject;
let withCalibration: string;
let withoutCalibration: string;

function open(url: string): Promise<OpenedReport> {
  return openReport(browser, url);
}

/** The text of every header and data cell, row by row. */
async function tableCells(page: Page, rows: string): Promise<string[][]> {
  const out: string[][] = [];
  for (const row of await page.locator(rows).all()) out.push(await row.locator('th, td').allTextContents());
  return out;
}

describe.runIf(browserTests.run)('Calibration view in Chromium', () => {
  beforeAll(async () => {
    project = await tempProject();
    const outDir = project.path('reports');
    const run = await writeRun(project.path('reports', 'runs', 'r1'), header('tickets', ['v2'], ['model-a'], 14), samplesFor('v2', 'cand'), promptsFor('v2'));
    const uncalibrated = await writeRun(project.path('reports', 'runs', 'r2'), header('uncalibrated', ['v2'], ['model-a'], 14), samplesFor('v2', 'cand'), promptsFor('v2'));
    await writeCalibration(calibrationPath(outDir, 'tickets'), calibrationFixture());
    withCalibration = pathToFileURL(await writeHtmlReport({ runs: [{ dir: run }] }, project.path('calibrated.html'))).href;
    withoutCalibration = pathToFileURL(await writeHtmlReport({ runs: [{ dir: uncalibrated }] }, project.path('uncalibrated.html'))).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await project?.cleanup();
  });

  it('shows the judge, agreement, kappa, rates, confusion matrix and noise of the calibration file', async () => {
    const { page, errors } = await open(withCalibration);
    expect(await page.isVisible('#calibration')).toBe(false);
    await page.click('#tab-calibration');
    expect(await page.isVisible('#calibration')).toBe(true);
    expect(await page.textContent('#cal-judge-model')).toBe('judge-model-x');
    expect(await page.textContent('#cal-scale')).toBe('pass-fail');
    expect(await page.textContent('#cal-labeled')).toBe('13');
    expect(await page.textContent('#cal-agreement')).toBe('75.0%');
    expect(await page.textContent('#cal-kappa')).toBe('0.500');
    expect(await page.locator('.card', { has: page.locator('#cal-kappa') }).locator('.label').textContent()).toBe("Cohen's kappa");
    expect(await page.textContent('#cal-tpr')).toBe('83.3%');
    expect(await page.textContent('#cal-tnr')).toBe('66.7%');
    expect(await page.textContent('#cal-unscored')).toBe('1');
    const matrix = await tableCells(page, '#calibration-confusion tbody tr');
    expect(matrix).toEqual([['pass', '5', '1'], ['fail', '2', '4']]);
    expect(await page.locator('#calibration-confusion td.agree').allTextContents()).toEqual(['5', '4']);
    const noise = await page.$$eval('#calibration-noise tr', (rows) => rows.map((row) => row.querySelector('td')?.textContent ?? ''));
    expect(noise).toEqual(['3', '3', '13', '92.3%', '94.9%', '0.036', '0.157']);
    expect(await page.locator('#cal-failures').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('lists disagreements as text and runs no script from a hostile judge reason or case id', async () => {
    const { page, dialogs, requests, errors } = await open(withCalibration);
    await page.click('#tab-calibration');
    await page.waitForTimeout(100);
    const rows = await tableCells(page, '#calibration-disagreements tbody tr');
    expect(rows).toEqual([
      ['c2-login', 'fail', 'pass', '3 of 3 criteria pass'],
      [HOSTILE.id, 'fail', 'pass', HOSTILE.handler + HOSTILE.script + HOSTILE.closeScript],
      ['c3-export', 'pass', 'fail', 'not concise ⟨U+202E⟩enough'],
    ]);
    expect(await page.locator('#calibration img, #calibration svg, #calibration script, #calibration a').count()).toBe(0);
    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(dialogs).toEqual([]);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says how many calls failed at the provider, and the first', async () => {
    const failures = [{ caseId: 'c1', judgement: 3, reason: 'judge call failed (replay_miss: no recorded response)' }];
    await writeCalibration(calibrationPath(project.path('reports'), 'tickets'), { ...calibrationFixture(), failures });
    const failed = pathToFileURL(await writeHtmlReport({ runs: [{ dir: project.path('reports', 'runs', 'r1') }] }, project.path('failed.html'))).href;
    const { page, errors } = await open(failed);
    await page.click('#tab-calibration');
    expect(await page.textContent('#cal-failures')).toBe(
      '1 call failed at the provider, so their judgements are missing from these figures (promptgold calibrate exited 3). First: c1: judge call failed (replay_miss: no recorded response)',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  it('has no Calibration tab when the suite was never calibrated', async () => {
    const { page, errors } = await open(withoutCalibration);
    expect(await page.locator('#tab-calibration, #calibration').count()).toBe(0);
    expect(await page.locator('nav.tabs button').allTextContents()).toEqual(['Overview', 'Matrix', 'Cases', 'Charts', 'Robustness']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
