/**
 * What a run's reports say about samples that failed, were not scored, were refused or were cut
 * short — through the built CLI, as a user meets them: the console summary (each pass rate with its
 * denominator, stop rates, cost only when a provider reported one) and `run --junit`.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const KEY = ['sk', 'ant', 'test-reports-0123456789abcdef'].join('-');

let project: TempProject;
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await project?.cleanup();
});

function suite(body: string): string {
  return `import { custom, defineSuite, exact, functionAnswer } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  ${body}
});
`;
}

async function project_(files: Record<string, string>) {
  project = await tempProject({ 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(10), ...files });
  await linkPromptgold(project.root);
}

/** The console summary table's row of the only cell, split on its column gaps. */
function summaryTable(stdout: string): { header: string[]; row: string[] } {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.startsWith('version  '));
  const split = (line: string) => line.trim().split(/ {2,}/);
  return { header: split(lines[at]!), row: split(lines[at + 2]!) };
}

describe('the console summary', () => {
  it('gives each pass rate its denominator, shows refusals and max_tokens stops, and no $0.0000 for a function provider', async () => {
    await project_({
      'suites/echo.eval.ts': suite(`provider: (input) => input.word === 'word1' ? functionAnswer({ text: '', stopReason: 'refusal' }) : input.word === 'word2' ? functionAnswer({ text: 'wo', stopReason: 'max_tokens' }) : String(input.word),
  scorers: [exact(), custom('picky', (s) => { if (s.caseId === 'w009') throw new Error('boom'); return true; })],
  maxErrorRate: 0.2,`),
    });
    const result = await runCli(['run', '--no-html'], project.root);
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    // 10 samples, 1 not scored: the pass rate is over the other 9, and says so.
    expect(result.stdout).toMatch(/^echo: 10 samples, 7 of 9 passed, 1 errors \(1 not scored\)$/m);
    expect(result.stdout).not.toMatch(/\$0\.0000|\$/);
    const { header, row } = summaryTable(result.stdout);
    expect(header).toEqual(['version', 'model', 'samples', 'passed', 'pass rate (95% CI)', 'mean score', 'errors', 'p50 ms', 'p95 ms', 'refusals', 'max_tokens']);
    expect(row.slice(0, 5)).toEqual(['v1', 'claude-haiku-4-5', '10', '7/9', expect.stringMatching(/^77\.8% \(/)]);
    expect(row.slice(-2)).toEqual(['11.1% (1)', '11.1% (1)']);
    expect(result.stdout).toContain('refusals by category: v1 × claude-haiku-4-5: unspecified 1');
    expect(result.stdout).toContain('(refusals: the model refused; max_tokens: answers cut at max_tokens — shares of the scored golden samples)');
  });

  it('shows a priced provider\'s cost and the refusal category the API gave', async () => {
    fake = await startFakeAnthropic({ respond: (body) => ({ text: /Say (\w+)/.exec(JSON.stringify(body.messages))?.[1] ?? '' }) });
    fake.script('/v1/messages', [{ refusal: 'cyber' }]);
    await project_({
      'suites/echo.eval.ts': suite(`provider: 'anthropic',
  concurrency: 1,
  scorers: [exact()],`),
      'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, maxRetries: 0 } }),
      'suites/data.jsonl': wordCases(4),
    });
    const result = await runCli(['run', '--no-html', '--no-cache'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.stderr).not.toMatch(/internal error/);
    const { header, row } = summaryTable(result.stdout);
    expect(header).toContain('cost');
    expect(row[header.indexOf('cost')]).toMatch(/^\$0\.\d{6}$/);
    expect(row[header.indexOf('refusals')]).toBe('25.0% (1)');
    expect(result.stdout).toContain('refusals by category: v1 × claude-haiku-4-5: cyber 1');
  });
});

describe('a refused golden sample', () => {
  it('fails whatever its scorers say of the partial text, and every run report says it was refused, with the category', async () => {
    fake = await startFakeAnthropic({ respond: (body) => ({ text: /Say (\w+)/.exec(JSON.stringify(body.messages))?.[1] ?? '' }) });
    // The first answer is stopped halfway by a refusal: the scorer below passes any text.
    fake.script('/v1/messages', [{ refusal: 'cyber', afterText: true }]);
    await project_({
      'suites/echo.eval.ts': suite(`provider: 'anthropic',
  concurrency: 1,
  scorers: [custom('lenient', () => true)],
  threshold: 1,`),
      'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, maxRetries: 0 } }),
      'suites/data.jsonl': wordCases(4),
    });
    const result = await runCli(['run', '--no-html', '--no-cache', '--verbose', '--junit', 'out/junit.xml'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.stderr).not.toMatch(/internal error/);
    // Below the threshold of 100%: a refusal is no pass.
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^echo: 4 samples, 3 of 4 passed, 0 errors/m);
    expect(result.stdout).toMatch(/^why 1 sample failed .*:\n {2}refusal +1× +stop reason refusal \(category cyber\): a refusal fails a golden case whatever its scores — w000 /m);
    expect(result.stdout).toMatch(/✗ w000 \(v1 × claude-haiku-4-5\)\n {4}refused: stop reason refusal \(category cyber\): a refusal fails a golden case whatever its scores\n {4}✓ lenient/);
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toContain('<testcase name="w000" classname="echo.v1.claude-haiku-4-5">\n      <failure message="refusal: stop reason refusal (category cyber): a refusal fails a golden case whatever its scores" type="refusal">');
  });
});

describe('run --junit', () => {
  it('writes a test case per sample: not scored is an <error> with kind and message, failing a <failure> with the reasons; the threshold and maxErrorRate are tests too', async () => {
    await project_({
      'suites/echo.eval.ts': suite(`provider: (input) => input.word === 'word5' ? 'nope' : input.word === 'word6' ? functionAnswer({ text: '', stopReason: 'refusal' }) : String(input.word),
  scorers: [exact(), custom('picky', (s) => { if (s.caseId === 'w003') throw new Error('boom <&>'); return true; })],
  threshold: 0.9,`),
    });
    const result = await runCli(['run', '--no-html', '--junit', 'out/junit.xml'], project.root);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('junit: out/junit.xml');
    const xml = await readFile(project.path('out/junit.xml'), 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="promptgold run" tests="12" failures="3" errors="2" skipped="0">/);
    expect(xml).toContain('<testsuite name="echo: v1 × claude-haiku-4-5" tests="11" failures="3" errors="1" skipped="0">');
    expect(xml).toContain('<property name="pass rate" value="77.8% (45.3%–93.7%)"/>');
    expect(xml).toContain('<property name="not scored" value="1"/>');
    expect(xml).toContain('<property name="refusals" value="11.1% (1)"/>');
    expect(xml).toContain('<property name="refusals by category" value="unspecified 1"/>');
    expect(xml).toContain('<failure message="pass rate 77.8% of 9 scored golden samples (7 passed) is below the threshold 90.0%" type="threshold">');
    expect(xml).toContain('<testcase name="w003" classname="echo.v1.claude-haiku-4-5">\n      <error message="scorer_error: picky: boom &lt;&amp;&gt;" type="scorer_error">picky: boom &lt;&amp;&gt;</error>');
    expect(xml).toContain('<testcase name="w005" classname="echo.v1.claude-haiku-4-5">\n      <failure message="exact: output &quot;nope&quot; does not equal expected &quot;word5&quot;" type="failed">exact: output "nope" does not equal expected "word5"\noutput: nope</failure>');
    expect(xml).toMatch(/<testcase name="w006" classname="echo\.v1\.claude-haiku-4-5">\n {6}<failure [^>]*>[^<]*\nstop reason: refusal/);
    expect(xml).toContain('<testcase name="w000" classname="echo.v1.claude-haiku-4-5"/>');
    expect(xml).toContain('<error message="1 of 10 samples were not scored (scorer_error 1); maxErrorRate allows 0%" type="maxErrorRate">');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });
});
