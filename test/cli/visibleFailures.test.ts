/**
 * Every failure visible: a sample that was not scored — a scorer threw, an expected field is
 * missing, a judge got no answer — is an error of a named kind in the record and the exit code,
 * under the `maxErrorRate` policy; a judge error that would fail every sample stops the run.
 * Through the built CLI.
 */
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { readRecord } from '../../src/records/reader.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { linkPromptgold, runCli } from '../helpers/cli.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

const KEY = ['sk', 'ant', 'test-visible-0123456789abcdef'].join('-');

let project: TempProject;
let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  await project?.cleanup();
});

function suite(scorers: string, extra = ''): string {
  return `import { custom, defineSuite, exact, fuzzy, rubric } from 'promptgold';
export default defineSuite({
  name: 'echo',
  prompt: './prompts',
  models: ['claude-haiku-4-5'],
  dataset: './data.jsonl',
  provider: (input) => String(input.word),
  scorers: [${scorers}],
  ${extra}
});
`;
}

async function project_(files: Record<string, string>) {
  project = await tempProject({ 'suites/prompts/echo.v1.hbs': ECHO_PROMPT, 'suites/data.jsonl': wordCases(10), ...files });
  await linkPromptgold(project.root);
}

async function onlyRecord() {
  const [run] = await readdir(project.path('reports/runs'));
  return readRecord(project.path('reports/runs', run!, 'run.jsonl'));
}

const RUBRIC = "rubric({ judge: 'claude-haiku-4-5', criteria: [{ id: 'c1', description: 'Repeats the word.', pass: 'it does', fail: 'it does not' }] })";

describe('why samples failed, on the console', () => {
  it('a throwing provider shows its message; failing scorers are grouped with case ids; --verbose prints every failing sample', async () => {
    await project_({
      'suites/echo.eval.ts': suite("exact()").replace("provider: (input) => String(input.word),", "provider: (input) => { if (input.word === 'word2') throw new Error('kaput'); return input.word === 'word5' || input.word === 'word7' ? 'nope' : String(input.word); },"),
    });
    const result = await runCli(['run', '--verbose', '--max-error-rate', '0.5'], project.root);
    expect(result.stdout).toMatch(/why 2 samples failed \(failing scorers, most common first\):\n {2}exact {2}2× {2}output "nope" does not equal expected "word5" — w005 \(v1 × claude-haiku-4-5\), w007 \(v1 × claude-haiku-4-5\)/);
    expect(result.stdout).toMatch(/provider_error {2}1× {2}function .* threw: kaput — w002/);
    expect(result.stdout).toMatch(/failing samples:\n✗ w002 \(v1 × claude-haiku-4-5\)\n {4}provider_error: function .* threw: kaput\n✗ w005 \(v1 × claude-haiku-4-5\)\n {4}✗ exact 0\.00: output "nope" does not equal expected "word5"\n {4}output: nope/);
    // No threshold, and one unscored sample of ten within --max-error-rate 0.5: the run passes.
    expect(result.code).toBe(0);
  });
});

describe('samples that were not scored', () => {
  it('a scorer that throws is a scorer_error: counted, with its reason, and exit 3 unless --max-error-rate allows it', async () => {
    await project_({ 'suites/echo.eval.ts': suite("exact(), custom('picky', (s) => { if (s.caseId === 'w003') throw new Error('boom'); return true; })") });
    const strict = await runCli(['run'], project.root);
    expect(strict.stderr).not.toMatch(/internal error/);
    expect(strict.code).toBe(3);
    expect(strict.stdout).toMatch(/echo: 10 samples, 9 of 9 passed, 1 errors \(1 not scored\)/);
    expect(strict.stdout).toMatch(/scorer_error:1/);
    // The digest and the exit-3 line say why, without opening a file.
    expect(strict.stdout).toMatch(/1 sample ended in an error \(by kind\):\n {2}scorer_error {2}1× {2}picky: boom — w003 \(v1 × claude-haiku-4-5\)/);
    expect(strict.stdout).toMatch(/FAILED \(exit 3\): 1 of 10 samples were not scored \(scorer_error 1\); maxErrorRate allows 0%/);
    const record = await onlyRecord();
    const failed = record.samples.find((s) => s.caseId === 'w003')!;
    expect(failed.error).toEqual({ kind: 'scorer_error', message: 'picky: boom' });
    expect(record.summary).toMatchObject({ totals: { notScored: 1 }, maxErrorRate: 0, tooManyErrors: true });
    expect(record.summary!.cells[0]).toMatchObject({ scored: 9, passed: 9, passRate: 1, notScored: 1 });

    await project.write('suites/echo.eval.ts', suite("exact(), custom('picky', (s) => { if (s.caseId === 'w003') throw new Error('boom'); return true; })"));
    const lenient = await runCli(['run', '--max-error-rate', '0.1'], project.root);
    expect(lenient.code).toBe(0);
  });

  it('a typo in expectedField is a scorer_error naming the missing field', async () => {
    await project_({ 'suites/echo.eval.ts': suite("fuzzy({ expectedField: 'vendr' })"), 'suites/data.jsonl': wordCases(3, (i) => ({ expected: { vendor: `word${i}` } })) });
    const result = await runCli(['run'], project.root);
    expect(result.code).toBe(3);
    const record = await onlyRecord();
    expect(record.samples.map((s) => s.error)).toEqual(
      Array(3).fill({ kind: 'scorer_error', message: 'fuzzy:dice: expected.vendr is missing: the case has no expected value to compare with' }),
    );
  });

  it('a judge model the API does not know stops the run before anything is sent (exit 3), not 404 on every sample', async () => {
    fake = await startFakeAnthropic({ models: { 'claude-sonnet-4-5': { maxInputTokens: 200_000 } } });
    await project_({
      'suites/echo.eval.ts': suite(RUBRIC, 'concurrency: 1,'),
      'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, maxRetries: 0 } }),
    });
    const result = await runCli(['run'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/judge model check failed: model "claude-haiku-4-5" was not found/);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(0);
    expect(await readdir(project.path('reports/runs')).catch(() => [])).toEqual([]);
  });

  it('a judge error that will fail every sample, met during the run (a key the API stops taking), stops it (exit 3)', async () => {
    let judged = 0;
    fake = await startFakeAnthropic({ respond: () => ({ text: '{}' }) });
    fake.script('/v1/messages', [{ status: 401 }]);
    await project_({
      'suites/echo.eval.ts': suite(RUBRIC, 'concurrency: 1,'),
      'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, maxRetries: 0 } }),
    });
    const result = await runCli(['run'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    judged = fake.log.filter((e) => e.path === '/v1/messages').length;
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/run stopped: /);
    expect(judged).toBe(1);
    const record = await onlyRecord();
    expect(record.samples).toHaveLength(1);
    expect(record.samples[0]!.error!.kind).toBe('judge_error');
  });

  it('a judge model missing from the price table is refused before anything is sent (exit 2)', async () => {
    await project_({ 'suites/echo.eval.ts': suite(RUBRIC.replace("'claude-haiku-4-5'", "'claude-haiku-9'")) });
    const result = await runCli(['run'], project.root, { env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/echo\.eval\.ts: scorers: unknown judge model "claude-haiku-9"/);
  });

  it('in --batch mode rubric judges get a live judge of their own and score every sample', async () => {
    const verdict = JSON.stringify({ criteria: [{ id: 'c1', reasoning: 'it does', verdict: 'pass' }], overall: 'ok' });
    fake = await startFakeAnthropic({ respond: (body) => ({ text: body.output_config ? verdict : 'word' }) });
    await project_({
      'suites/echo.eval.ts': suite(RUBRIC).replace("provider: (input) => String(input.word),", "provider: 'anthropic',").replace("models: ['claude-haiku-4-5']", "models: ['claude-sonnet-4-5']"),
      'promptgold.config.json': JSON.stringify({ anthropic: { baseURL: fake.url, batchPollMs: 100 } }),
      'suites/data.jsonl': wordCases(3),
    });
    const result = await runCli(['run', '--batch', '--no-cache'], project.root, { env: { ANTHROPIC_API_KEY: KEY } });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.code).toBe(0);
    const record = await onlyRecord();
    expect(record.samples.every((s) => !s.error && s.scores[0]!.pass && s.judge?.calls === 1)).toBe(true);
    expect(fake.log.filter((e) => e.method === 'POST' && e.path === '/v1/messages/batches')).toHaveLength(1);
    expect(fake.log.filter((e) => e.path === '/v1/messages')).toHaveLength(3);
  });
});
