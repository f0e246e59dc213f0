/**
 * A report with more cases than one detail chunk, in real Chromium: the overview carries no case,
 * the Cases view reads the case list when it opens, and a case's outputs, reasons and prompt come
 * from its own chunk of details (here the second), read when the case is opened.
 */
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTests, launchChromium, openReport } from './chromium.js';
import { embeddedReport } from './embedded.js';
import { header, sample, writeRun } from './fixtures.js';
import { writeHtmlReport } from '../../../src/report/html/index.js';
import { DETAIL_CHUNK } from '../../../src/report/html/pageData.js';
import type { PromptStoreLine } from '../../../src/records/types.js';
import { tempProject, type TempProject } from '../../helpers/tempProject.js';

const CASES = DETAIL_CHUNK + DETAIL_CHUNK / 2;
/** A case in the second chunk of details. */
const OPENED = DETAIL_CHUNK + 37;
const caseId = (i: number): string => `case-${String(i).padStart(5, '0')}`;
const outputOf = (i: number): string => `answer number ${i} for the lazy report`;

let browser: Browser;
let project: TempProject;
let html: string;
let url: string;

describe.runIf(browserTests.run)('a report whose cases are read lazily', () => {
  beforeAll(async () => {
    project = await tempProject();
    const samples = Array.from({ length: CASES }, (_, i) =>
      sample({ caseId: caseId(i), version: 'v1', repeat: 0, output: outputOf(i), pass: i % 3 !== 0, promptHash: `hash-${i}` }, i),
    );
    const prompts: PromptStoreLine[] = Array.from({ length: CASES }, (_, i) => ({ hash: `hash-${i}`, system: 'You answer.', user: `Question ${i}?` }));
    const head = { ...header('lazy', ['v1'], ['model-a'], CASES), options: { threshold: 0.5, repeats: 1 } };
    const dir = await writeRun(project.path('run'), head, samples, prompts);
    const file = await writeHtmlReport({ runs: [{ dir }] }, project.path('report.html'));
    html = await readFile(file, 'utf8');
    url = pathToFileURL(file).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await project?.cleanup();
  });

  it('embeds the overview without cases, the case list, and the details in chunks', () => {
    const report = embeddedReport(html);
    expect(report.data.caseCount).toBe(CASES);
    expect(report.data).not.toHaveProperty('cases');
    expect(html.slice(0, html.indexOf('id="report-cases"'))).not.toContain(outputOf(OPENED));
    expect(report.cases).toHaveLength(CASES);
    expect(report.cases[OPENED]).toMatchObject({ id: caseId(OPENED), candidate: { n: 1, passes: 1 } });
    expect(html.match(/id="report-details-\d+"/g)).toEqual(['id="report-details-0"', 'id="report-details-1"']);
    expect(report.detail(OPENED).detail.candidate!.repeats[0]!.o).toBe(outputOf(OPENED));
  });

  it('lists the cases when the Cases view opens and shows a case of the second chunk with its output, reasons and prompt', async () => {
    const { page, errors } = await openReport(browser, url);
    expect(await page.$$('#case-rows tr')).toHaveLength(0); // nothing of the cases is drawn before the view opens
    await page.click('#tab-cases');
    expect(await page.textContent('#case-count')).toContain(`of ${CASES.toLocaleString('en-US')} cases`);
    await page.fill('#filter-text', caseId(OPENED));
    await page.waitForSelector(`#case-rows tr:only-child td.case-id:text-is("${caseId(OPENED)}")`);
    await page.click('#case-rows tr');
    const detail = page.locator('#case-detail');
    await expect.poll(() => detail.locator('pre.out[data-side="output"]').textContent()).toBe(outputOf(OPENED));
    expect(await detail.locator('ul.scores').textContent()).toContain('output equals expected');
    await detail.locator('details summary', { hasText: 'Rendered prompt' }).click();
    expect(await detail.locator('.prompts').textContent()).toContain(`Question ${OPENED}?`);
    expect(errors).toEqual([]);
    await page.close();
  });
});
