/**
 * The overview of a run's HTML report, as a user opens it after `promptgold run` (the built CLI, then
 * headless Chromium): why samples failed on top, every figure with what it is out of, samples that
 * were not scored counted and named, refusals, no $0 cost for a function provider, and the chaos
 * operators with the worst highlighted. Which Chromium, and when these tests skip: see chromium.ts.
 */
import { readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkPromptgold, runCli, type CliResult } from '../../helpers/cli.js';
import { ECHO_PROMPT, ECHO_PROMPT_V2, tempProject, wordCases, type TempProject } from '../../helpers/tempProject.js';
import type { SampleRecord } from '../../../src/records/types.js';
import { writeHtmlReport } from '../../../src/report/html/index.js';
import { browserTests, launchChromium, openReport } from './chromium.js';
import { header, sample, writeRun } from './fixtures.js';

const SUITE = `import { custom, defineSuite, exact, functionAnswer } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  // Finds the word in what it is given: an injection appended to it does no harm, look-alike letters do.
  provider: (input) => {
    const word = String(input.word);
    if (word === 'word5') return 'nope';
    if (word === 'word6') return functionAnswer({ text: '', stopReason: 'refusal' });
    return /word\\d+/.exec(word)?.[0] ?? 'lost';
  },
  scorers: [exact(), custom('picky', (s) => { if (s.caseId === 'w003') throw new Error('boom'); return true; })],
  chaos: { operators: ['homoglyphs', 'ignore-previous'] },
});
`;

let project: TempProject;
let browser: Browser;
let run: CliResult;
let reportUrl: string;

describe.runIf(browserTests.run)('the run report\'s overview in Chromium: failures, denominators, robustness', () => {
  beforeAll(async () => {
    project = await tempProject({ 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(10), 'suites/echo.eval.ts': SUITE });
    await linkPromptgold(project.root);
    run = await runCli(['run', '--chaos'], project.root);
    const [folder] = await readdir(project.path('reports/runs'));
    reportUrl = pathToFileURL(project.path('reports/runs', folder!, 'report.html')).href;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await project?.cleanup();
  });

  it('fails as the run did (exit 3) and shows why samples failed on top, with the cases', async () => {
    expect(run.code).toBe(3);
    const { page, errors } = await openReport(browser, reportUrl);
    expect(await page.textContent('#verdict-word')).toBe('fail');
    const verdict = (await page.textContent('section.verdict')) ?? '';
    expect(verdict).toContain('1 of 30 samples were not scored (scorer_error 1); maxErrorRate allows 0% (exit 3)');
    expect(verdict).toMatch(/robustness: a chaos operator costs 10 pts or more — homoglyphs −\d+\.\d pts/);
    // The digest comes before the figures and tables.
    const order = await page.$$eval('#overview > *', (nodes) => nodes.map((n) => n.id || n.className));
    expect(order.indexOf('digest')).toBeLessThan(order.indexOf('cards'));
    const errored = await page.locator('#digest-errors tbody tr').allTextContents();
    expect(errored).toEqual(['scorer_error1×picky: boomw003 (v1 × claude-haiku-4-5)']);
    const failed = (await page.locator('#digest-failures tbody').textContent()) ?? '';
    expect(failed).toContain('output "nope" does not equal expected "word5"');
    // Golden and chaos failures apart: the golden ones are those the pass rate counts.
    expect(await page.textContent('#digest h2:nth-of-type(2)')).toMatch(/^Why \d+ samples failed \(2 golden, \d+ chaos\)$/);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what each figure is out of: golden samples, chaos apart, the not-scored count and its kinds, no $0 cost', async () => {
    const { page } = await openReport(browser, reportUrl);
    expect(await page.textContent('#card-samples')).toBe('10');
    expect(await page.textContent('#card-samples-note')).toBe('+20 chaos samples');
    expect(await page.textContent('#card-pass-rate')).toBe('77.8%');
    expect(await page.textContent('#card-pass-rate-note')).toBe('7 of 9 scored golden samples');
    expect(await page.textContent('#card-not-scored')).toBe('1');
    expect(await page.textContent('#card-not-scored-note')).toBe('scorer_error 1');
    expect(await page.textContent('#card-cost')).toBe('—');
    const row = page.locator('#cells-table tr[data-cell="0"]');
    expect(await row.locator('td.samples').textContent()).toBe('10 +20 chaos');
    expect(await row.locator('td.passed').textContent()).toBe('7/9');
    expect(await row.locator('td.not-scored').textContent()).toBe('1');
    expect(await row.locator('td.stop-refusals').textContent()).toBe('11.1% (1)');
    expect(await row.locator('td.errors').textContent()).toBe('scorer_error: 1');
    expect(await page.locator('#cells-table th', { hasText: 'cost' }).count()).toBe(0);
    expect(await page.textContent('#refusal-categories')).toBe('Refusals by category: v1 × claude-haiku-4-5: unspecified 1.');
    await page.click('#tab-matrix');
    expect(await page.textContent('#matrix button.cell[data-cell="0"]')).toMatch(/^77\.8%.*7 of 9 golden passed · score \d\.\d{3} · \+20 chaos$/);
    await page.close();
  });

  it('lists the robustness of each chaos operator, worst first, the worst highlighted', async () => {
    const { page } = await openReport(browser, reportUrl);
    const rows = page.locator('#operators-table tbody tr');
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-operator'), tr.className]))).toEqual([
      ['homoglyphs', 'worst'],
      ['ignore-previous', ''],
    ]);
    expect(await rows.first().locator('td').first().textContent()).toBe('homoglyphs worst');
    await page.close();
  });
});

describe.runIf(browserTests.run)('the comparison report in Chromium: refusals between sides', () => {
  let compareProject: TempProject;
  let compareBrowser: Browser;

  beforeAll(async () => {
    compareProject = await tempProject({
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/prompts/echo.v2.hbs': ECHO_PROMPT_V2,
      'suites/data.jsonl': wordCases(10),
      // v2 ("Please say …") refuses two words that v1 answers.
      'suites/echo.eval.ts': `import { defineSuite, exact, functionAnswer } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  provider: (input, ctx) => ctx.prompt.startsWith('Please') && (input.word === 'word1' || input.word === 'word2') ? functionAnswer({ text: '', stopReason: 'refusal' }) : String(input.word),
  scorers: [exact()],
});
`,
    });
    await linkPromptgold(compareProject.root);
    compareBrowser = await launchChromium();
  });

  afterAll(async () => {
    await compareBrowser?.close();
    await compareProject?.cleanup();
  });

  it('shows each side\'s refusal rate and the change in the compared cells', async () => {
    expect((await runCli(['run', '--no-html'], compareProject.root)).code).toBe(0);
    const compared = await runCli(['compare', 'echo', '--baseline', 'version=v1', '--candidate', 'version=v2', '--html', 'compare.html'], compareProject.root);
    expect(compared.stdout).toMatch(/refusal rate\s+0\.0%\s+20\.0%\s+\+20\.0 pts/);
    // A function provider reports no cost: no $0 row to read as "free".
    expect(compared.stdout).not.toMatch(/cost\/sample/);
    const { page, errors } = await openReport(compareBrowser, pathToFileURL(compareProject.path('compare.html')).href);
    expect(await page.textContent('#pairs-table tr[data-pair="0"] td.refusal-rate')).toBe('0.0% → 20.0%+20.0 pp');
    expect(await page.textContent('#pairs-table tr[data-pair="0"] td.max-tokens-rate')).toBe('0.0% → 0.0%0.0 pp');
    expect(await page.textContent('#pairs-table tr[data-pair="0"] td.cost')).toBe('—');
    expect(await page.textContent('#card-pass-rate-note')).toBe('8 of 10 scored golden samples');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.runIf(browserTests.run)('the run report in Chromium: chaos samples sent as their source request', () => {
  let chaosProject: TempProject;
  let chaosBrowser: Browser;
  let url: string;

  beforeAll(async () => {
    // Case a's word has no letter to swap: its only mutation is to customer_id, which the prompt never renders.
    const cases = [
      { id: 'a', vars: { word: '123 456', customer_id: 'customer alpha' }, expected: 'ok' },
      { id: 'b', vars: { word: 'apple pear', customer_id: 'customer beta' }, expected: 'ok' },
    ];
    chaosProject = await tempProject({
      'suites/prompts/echo.v1.hbs': ECHO_PROMPT,
      'suites/data.jsonl': cases.map((c) => JSON.stringify(c)).join('\n'),
      'suites/echo.eval.ts': `import { contains, defineSuite, sameAsSource } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  // Reads only the rendered prompt: look-alike letters in it confuse it.
  provider: (input, context) => (/[^\\x00-\\x7f]/.test(context.prompt) ? 'confused' : 'ok'),
  scorers: [contains({ values: ['ok'] })],
  chaos: { operators: ['homoglyphs'], fields: ['word', 'customer_id'], invariants: [sameAsSource()] },
});
`,
    });
    await linkPromptgold(chaosProject.root);
    const result = await runCli(['run', '--chaos'], chaosProject.root);
    expect(result.code).toBe(0);
    const [folder] = await readdir(chaosProject.path('reports/runs'));
    url = pathToFileURL(chaosProject.path('reports/runs', folder!, 'report.html')).href;
    chaosBrowser = await launchChromium();
  });

  afterAll(async () => {
    await chaosBrowser?.close();
    await chaosProject?.cleanup();
  });

  it('counts them apart in the operators table, the chaos card and the robustness tab, and says why in the warnings', async () => {
    const { page, errors } = await openReport(chaosBrowser, url);
    expect(await page.locator('#operators-table thead th').allTextContents()).toContain('not exercised (same request as source)');
    const cells = await page.locator('#operators-table tbody tr[data-operator="homoglyphs"] td').allTextContents();
    expect(cells.slice(1)).toEqual(['1', '0.0%', '100.0%', '-100.0 pp', '1']);
    expect(await page.textContent('#card-chaos-pass-rate')).toBe('0.0%');
    expect(await page.textContent('#card-chaos-pass-rate-note')).toBe('0 of 1 scored chaos samples (1 did not test their mutation)');
    expect(await page.textContent('.warnings')).toContain('1 chaos sample not exercised: the mutation did not change the rendered prompt');
    await page.click('#tab-robustness');
    const robustness = await page.locator('#robustness-table tbody tr td').allTextContents();
    expect(robustness.slice(1)).toEqual(['homoglyphs', '1', '0.0%', '100.0% (1)', '-100.0 pp', '1']);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.runIf(browserTests.run)('the run report in Chromium: a refused golden case', () => {
  let refusedProject: TempProject;
  let refusedBrowser: Browser;
  let url: string;

  beforeAll(async () => {
    refusedProject = await tempProject();
    const head = { ...header('t', ['v1'], ['model-a'], 2), options: { repeats: 1 } };
    // Every scorer passed the partial text, but the model refused (category cyber): the run recorded a fail.
    const refused: SampleRecord = { ...sample({ caseId: 'refused', version: 'v1', repeat: 0, output: 'I cannot help with', pass: false }, 0), stopReason: 'refusal', stopDetails: { category: 'cyber' } };
    refused.scores = refused.scores.map((score) => ({ ...score, score: 1, pass: true }));
    const dir = await writeRun(refusedProject.path('run'), head, [refused, sample({ caseId: 'answered', version: 'v1', repeat: 0, output: 'ok', pass: true }, 1)]);
    url = pathToFileURL(await writeHtmlReport({ runs: [{ dir }] }, refusedProject.path('report.html'))).href;
    refusedBrowser = await launchChromium();
  });

  afterAll(async () => {
    await refusedBrowser?.close();
    await refusedProject?.cleanup();
  });

  it('says in the case detail that the repeat failed because the model refused, with the category, as --verbose does', async () => {
    const { page, errors } = await openReport(refusedBrowser, url);
    await page.click('#tab-cases');
    await page.click('#case-rows tr >> text=refused');
    const side = page.locator('#case-detail .side').first();
    expect(await side.locator('.meta').textContent()).toContain('stop: refusal');
    expect(await side.locator('p.err').allTextContents()).toEqual(['refused: stop reason refusal (category cyber): a refusal fails a golden case whatever its scores']);
    await page.click('#case-detail button.link');
    await page.click('#case-rows tr >> text=answered');
    expect(await page.locator('#case-detail .side p.err').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe.runIf(browserTests.run)('the run report in Chromium: samples skipped at the budget', () => {
  let skippedProject: TempProject;
  let skippedBrowser: Browser;
  let url: string;

  beforeAll(async () => {
    skippedProject = await tempProject();
    const budget = { kind: 'budget', message: 'budget of $0.01 reached; request not sent' };
    const samples = [
      sample({ caseId: 'ran', version: 'v1', repeat: 0, output: 'ok', pass: true }, 0),
      sample({ caseId: 'ran', version: 'v1', repeat: 1, output: 'ok', pass: true }, 1),
      sample({ caseId: 'half', version: 'v1', repeat: 0, output: 'ok', pass: true }, 2),
      sample({ caseId: 'half', version: 'v1', repeat: 1, output: null, pass: false, error: budget }, 3),
      sample({ caseId: 'unsent', version: 'v1', repeat: 0, output: null, pass: false, error: budget }, 4),
      sample({ caseId: 'unsent', version: 'v1', repeat: 1, output: null, pass: false, error: budget }, 5),
    ];
    const dir = await writeRun(skippedProject.path('run'), header('t', ['v1'], ['model-a'], samples.length), samples, [], false);
    url = pathToFileURL(await writeHtmlReport({ runs: [{ dir }] }, skippedProject.path('report.html'))).href;
    skippedBrowser = await launchChromium();
  });

  afterAll(async () => {
    await skippedBrowser?.close();
    await skippedProject?.cleanup();
  });

  it('gives their cases a skipped (budget) status, chip and badge, as the JUnit skips them, and the cards say so', async () => {
    const { page, errors } = await openReport(skippedBrowser, url);
    // The errors card counts them as the record summary does, and says they never ran.
    expect(await page.textContent('#card-errors')).toBe('3');
    expect(await page.textContent('#card-errors-note')).toBe('by kind in the cell table; 3 of them skipped (budget): --max-cost reached');
    expect(await page.textContent('#card-not-scored')).toBe('0');
    await page.click('#tab-cases');
    expect(await page.locator('#case-filters button[data-flag]').allTextContents()).toEqual(['all 3', 'failing 0', 'flaky 0', 'errored 0', 'skipped (budget) 2']);
    await page.click('button[data-flag="skipped"]');
    expect(await caseRowTexts(page)).toEqual([
      ['half', 'skipped (budget)'],
      ['unsent', 'skipped (budget)'],
    ]);
    await page.click('#case-rows tr >> text=half');
    const repeats = page.locator('#case-detail .side');
    expect(await repeats.nth(1).locator('.meta .badge').textContent()).toBe('skipped (budget)');
    expect(await repeats.nth(1).locator('p.sub').allTextContents()).toContain('skipped (budget): budget of $0.01 reached; request not sent');
    expect(await page.locator('#case-detail p.err').count()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});

async function caseRowTexts(page: import('playwright-core').Page): Promise<string[][]> {
  return page.$$eval('#case-rows tr', (rows) => rows.map((row) => [row.querySelector('td.case-id')?.textContent ?? '', row.querySelector('td.status')?.textContent ?? '']));
}
