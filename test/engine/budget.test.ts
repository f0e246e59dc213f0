/** The session's --max-cost budget as each provider kind meets it. */
import { afterEach, describe, expect, it } from 'vitest';
import { RunSession } from '../../src/engine/assemble.js';
import { runSuite } from '../../src/engine/run.js';
import { readRecord } from '../../src/records/reader.js';
import { rubric } from '../../src/judge/rubric.js';
import type { GenerationRequest, Provider } from '../../src/providers/types.js';
import { contains } from '../../src/scoring/index.js';
import { defineSuite } from '../../src/suite.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
afterEach(async () => project?.cleanup());

describe('--max-cost and a function under test', () => {
  it('holds no worst case for a call that is not a priced API request: a run that spends nothing is not skipped', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(4) });
    // A budget smaller than one Haiku request could cost at max_tokens: only sending one would need it.
    const session = await RunSession.open({ root: project.root, config: {}, provider: 'function', maxCostUsd: 0.00001, onWarning: () => undefined });
    const suite = defineSuite({
      name: 'echo',
      prompt: './prompts',
      models: ['claude-haiku-4-5'],
      dataset: './data.jsonl',
      scorers: [contains({ values: ['word'], mode: 'all' })],
      provider: (input: Record<string, unknown>) => String(input.word),
      concurrency: 4,
    });
    const loaded = await session.loadSuite(suite, project.path('echo.eval.ts'));
    const assembled = await session.assemble(loaded);
    const runDir = project.path('runs', 'r1');
    const result = await runSuite(loaded, { provider: assembled.provider, runDir, runId: 'r1' });
    await assembled.close();
    expect(result.status).toBe('complete');
    expect((await readRecord(`${runDir}/run.jsonl`)).samples.filter((s) => s.error)).toEqual([]);
  });
});

/** A judge answering every request with a pass at `costUsd` each, and the requests it got. */
function costlyJudge(costUsd: number): { judge: Provider; sent: GenerationRequest[] } {
  const verdict = JSON.stringify({ criteria: [{ id: 'says', reasoning: 'it says the word', verdict: 'pass' }], overall: 'ok' });
  const sent: GenerationRequest[] = [];
  const judge: Provider = {
    id: 'own-judge',
    generate: (request) => {
      sent.push(request);
      return Promise.resolve({ text: verdict, stopReason: 'end_turn', latencyMs: 1, costUsd, usage: { inputTokens: 100, outputTokens: 20 } });
    },
  };
  return { judge, sent };
}

/** Free echo samples, one at a time, each judged by `judge` given directly to each rubric named. */
function echoSuiteJudgedBy(judge: Provider, rubrics: string[]) {
  return defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['claude-haiku-4-5'],
    dataset: './data.jsonl',
    scorers: rubrics.map((name) => rubric({ name, criteria: [{ id: 'says', description: 'The answer says the word.', pass: 'It does.', fail: 'It does not.' }], judge, model: 'my-judge' })),
    provider: (input: Record<string, unknown>) => String(input.word),
    concurrency: 1,
  });
}

async function runWithBudget(maxCostUsd: number, judge: Provider, { rubrics = ['rubric'], resume = false } = {}) {
  const session = await RunSession.open({ root: project.root, config: {}, provider: 'function', maxCostUsd, onWarning: () => undefined });
  const loaded = await session.loadSuite(echoSuiteJudgedBy(judge, rubrics), project.path('echo.eval.ts'));
  const assembled = await session.assemble(loaded, { resume });
  const runDir = project.path('runs', 'r1');
  const result = await runSuite(loaded, { provider: assembled.provider, judge: assembled.judge, ownJudge: assembled.ownJudge, runDir, runId: 'r1', resume });
  await assembled.close();
  return { session, result, record: await readRecord(`${runDir}/run.jsonl`) };
}

describe('--max-cost and a rubric given its own judge provider', () => {
  it('holds the judge to the run budget and counts what it spent in the record', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(4) });
    // Each judgement costs $0.004: the budget of $0.01 is spent after the third.
    const { judge, sent } = costlyJudge(0.004);
    const { session, record } = await runWithBudget(0.01, judge);

    expect(sent).toHaveLength(3);
    expect(session.budget!.spent).toBeCloseTo(0.012, 9);
    expect(record.samples.map((s) => s.judge?.costUsd ?? 0)).toEqual([0.004, 0.004, 0.004, 0]);
    expect(record.samples.slice(0, 3).every((s) => s.error === undefined)).toBe(true);
    expect(record.samples[3]!.error?.message).toMatch(/budget of \$0\.0100 reached .*not sent/);
    expect(record.summary?.totals.judgeCostUsd).toBeCloseTo(0.012, 9);
  });
});

describe('a judge call the budget did not send', () => {
  it('leaves its sample a budget skip, counted as not run, that --resume judges', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    // Two judgements a sample at $0.004 each: the second sample's answer is sent ($0.008 spent),
    // its first judgement too ($0.012), and its second judgement is refused.
    const { judge, sent } = costlyJudge(0.004);
    const first = await runWithBudget(0.01, judge, { rubrics: ['first', 'second'] });

    expect(sent).toHaveLength(3);
    const skipped = first.record.samples[1]!;
    expect(skipped.error).toEqual({ kind: 'budget', message: "second's judge: budget of $0.0100 reached ($0.0120 spent); request not sent" });
    // The answer it was given and the judgement made for it stay on its line.
    expect(skipped.output).toBe('word1');
    expect(skipped.judge).toMatchObject({ calls: 1, costUsd: 0.004 });
    expect(first.result.status).toBe('incomplete');
    expect(first.result.notRun).toBe('1 sample answered but not judged: budget reached');
    expect(first.record.summary?.cells[0]?.errors).toEqual({ budget: 1 });
    expect(first.record.summary?.totals.judgeCostUsd).toBeCloseTo(0.012, 9);

    const resumed = await runWithBudget(1, judge, { rubrics: ['first', 'second'], resume: true });
    expect(resumed.result.status).toBe('complete');
    expect(sent).toHaveLength(5);
    expect(resumed.record.samples.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(resumed.record.samples[1]!.judge).toMatchObject({ calls: 2, costUsd: 0.008 });
  });
});
