/**
 * Money spent on a sample's earlier try stays in the run's cost totals when --resume or
 * --retry-errors runs the sample again: the new line keeps it in `history`, and the summary counts
 * it once (a re-run answer served from the response cache costs nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RunSession } from '../../src/engine/assemble.js';
import { runSuite } from '../../src/engine/run.js';
import { rubric } from '../../src/judge/rubric.js';
import type { Generation, Provider } from '../../src/providers/types.js';
import { readRecord } from '../../src/records/reader.js';
import { defineSuite } from '../../src/suite.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { ECHO_PROMPT, tempProject, wordCases, type TempProject } from '../helpers/tempProject.js';

let project: TempProject;
let fake: FakeAnthropic | undefined;
const savedKey = process.env.ANTHROPIC_API_KEY;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  if (savedKey === undefined) delete process.env.ANTHROPIC_API_KEY;
  else process.env.ANTHROPIC_API_KEY = savedKey;
  await project?.cleanup();
});

const PASS = JSON.stringify({ criteria: [{ id: 'says', reasoning: 'it says the word', verdict: 'pass' }], overall: 'ok' });

/** A judge answering at `costUsd` a call: its answers in turn from `texts`, then passes. */
function judgeAnswering(costUsd: number, texts: string[] = []): { judge: Provider; calls: () => number } {
  let calls = 0;
  const judge: Provider = {
    id: 'own-judge',
    generate: () => {
      const text = texts[calls] ?? PASS;
      calls++;
      return Promise.resolve({ text, stopReason: 'end_turn', latencyMs: 1, costUsd, usage: { inputTokens: 100, outputTokens: 20 } });
    },
  };
  return { judge, calls: () => calls };
}

/** The model under test: echoes the word at `costUsd` an answer. */
function pricedEcho(costUsd: number): Provider {
  return {
    id: 'priced-echo',
    generate: (_request, context): Promise<Generation> =>
      Promise.resolve({ text: String(context.vars.word), stopReason: 'end_turn', latencyMs: 1, costUsd, usage: { inputTokens: 10, outputTokens: 2 } }),
  };
}

/** Echo samples judged by `judge` given directly to each rubric named; answered by `provider`, or by --provider when absent. */
function suiteJudgedBy(judge: Provider, rubrics: string[], provider?: Provider) {
  return defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['claude-haiku-4-5'],
    dataset: './data.jsonl',
    scorers: rubrics.map((name) => rubric({ name, criteria: [{ id: 'says', description: 'The answer says the word.', pass: 'It does.', fail: 'It does not.' }], judge, model: 'my-judge' })),
    ...(provider && { provider }),
    concurrency: 1,
  });
}

async function run(judge: Provider, options: { rubrics?: string[]; maxCostUsd?: number; resume?: boolean; redoErrors?: boolean; answerUsd?: number }) {
  const session = await RunSession.open({ root: project.root, config: {}, provider: 'function', ...(options.maxCostUsd !== undefined && { maxCostUsd: options.maxCostUsd }), onWarning: () => undefined });
  const loaded = await session.loadSuite(suiteJudgedBy(judge, options.rubrics ?? ['rubric'], pricedEcho(options.answerUsd ?? 0)), project.path('echo.eval.ts'));
  const resume = options.resume === true;
  const assembled = await session.assemble(loaded, { resume });
  const runDir = project.path('runs', 'r1');
  const result = await runSuite(loaded, { provider: assembled.provider, judge: assembled.judge, ownJudge: assembled.ownJudge, runDir, runId: 'r1', resume, redoErrors: options.redoErrors === true });
  await assembled.close();
  return { result, record: await readRecord(`${runDir}/run.jsonl`) };
}

describe('cost of a sample run again', () => {
  it('--resume of a sample whose judge the budget refused keeps the judgement it paid for in the totals', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    // Two judgements a sample at $0.004: the second sample's first judgement is made ($0.012 spent),
    // its second refused.
    const { judge, calls } = judgeAnswering(0.004);
    await run(judge, { rubrics: ['first', 'second'], maxCostUsd: 0.01 });
    const resumed = await run(judge, { rubrics: ['first', 'second'], maxCostUsd: 1, resume: true });

    expect(calls()).toBe(5);
    const redone = resumed.record.samples[1]!;
    expect(redone.error).toBeUndefined();
    expect(redone.judge).toMatchObject({ calls: 2, costUsd: 0.008 });
    expect(redone.history).toEqual([{ error: { kind: 'budget', message: "second's judge: budget of $0.0100 reached ($0.0120 spent); request not sent" }, judgeCostUsd: 0.004 }]);
    // Five judgements were paid for; the pass rate is the final tries'.
    expect(resumed.record.summary?.totals.judgeCostUsd).toBeCloseTo(0.02, 9);
    expect(resumed.record.summary?.cells[0]?.judge.costUsd).toBeCloseTo(0.02, 9);
    expect(resumed.record.summary?.cells[0]).toMatchObject({ scored: 2, passed: 2, judge: { calls: 4 } });
  });

  it('--retry-errors keeps the first try\'s answer and judge cost in the totals', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(2) });
    // The second sample's judge first answers what is not JSON: a judge_error after both were paid.
    const { judge } = judgeAnswering(0.002, [PASS, '{"criteria": [']);
    const first = await run(judge, { answerUsd: 0.001 });
    expect(first.record.samples[1]!.error?.kind).toBe('judge_error');
    expect(first.record.summary?.totals).toMatchObject({ costUsd: 0.002, judgeCostUsd: 0.004 });

    const retried = await run(judge, { answerUsd: 0.001, resume: true, redoErrors: true });
    const redone = retried.record.samples[1]!;
    expect(redone.error).toBeUndefined();
    expect(redone.history).toEqual([{ error: { kind: 'judge_error', message: expect.any(String) }, costUsd: 0.001, judgeCostUsd: 0.002 }]);
    // Three answers and three judgements were paid for, not the two of the final lines.
    expect(retried.record.summary?.totals.costUsd).toBeCloseTo(0.003, 9);
    expect(retried.record.summary?.totals.judgeCostUsd).toBeCloseTo(0.006, 9);
    expect(retried.record.summary?.cells[0]).toMatchObject({ samples: 2, scored: 2, passed: 2, errors: {} });
  });

  it('a sample the budget skipped before its answer was sent is no earlier try; one skipped at its judge is', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(3) });
    const { judge } = judgeAnswering(0);
    // $0.004 an answer: the second answer spends the budget, so its judge is not sent, nor the third answer.
    const first = await run(judge, { answerUsd: 0.004, maxCostUsd: 0.008 });
    expect(first.record.samples.map((s) => [s.error?.kind, s.output])).toEqual([
      [undefined, 'word0'],
      ['budget', 'word1'],
      ['budget', null],
    ]);

    const resumed = await run(judge, { answerUsd: 0.004, maxCostUsd: 1, resume: true });
    expect(resumed.record.samples.map((s) => s.history)).toEqual([
      undefined,
      [{ error: { kind: 'budget', message: "rubric's judge: budget of $0.0080 reached ($0.0080 spent); request not sent" }, costUsd: 0.004 }],
      undefined,
    ]);
    // Four answers were paid for: the second sample's twice.
    expect(resumed.record.summary?.totals.costUsd).toBeCloseTo(0.016, 9);
    expect(resumed.record.summary?.cells[0]).toMatchObject({ samples: 3, scored: 3, passed: 3, tokens: { input: 30, output: 6 } });
  });

  it('a redone answer served from the response cache costs nothing again: the first try\'s cost is counted once', async () => {
    fake = await startFakeAnthropic({ respond: () => ({ text: 'word' }) });
    process.env.ANTHROPIC_API_KEY = ['sk', 'ant', 'test-resume-cost-0123456789'].join('-');
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(1) });
    const config = { anthropic: { baseURL: fake.url, maxRetries: 0 } };
    // The judge first answers what is not JSON: a judge_error, after the answer was paid for (and cached).
    const { judge } = judgeAnswering(0.002, ['{"criteria": [']);
    const runLive = async (redo: boolean) => {
      const session = await RunSession.open({ root: project.root, config, provider: 'anthropic', onWarning: () => undefined });
      const loaded = await session.loadSuite(suiteJudgedBy(judge, ['rubric']), project.path('echo.eval.ts'));
      const assembled = await session.assemble(loaded, { resume: redo });
      const runDir = project.path('runs', 'r1');
      await runSuite(loaded, { provider: assembled.provider, judge: assembled.judge, ownJudge: assembled.ownJudge, runDir, runId: 'r1', resume: redo, redoErrors: redo });
      await assembled.close();
      return readRecord(`${runDir}/run.jsonl`);
    };
    const first = await runLive(false);
    const paid = first.samples[0]!.costUsd;
    expect(paid).toBeGreaterThan(0);
    expect(first.samples[0]!.error?.kind).toBe('judge_error');

    const retried = await runLive(true);
    const redone = retried.samples[0]!;
    expect(redone).toMatchObject({ cached: true, costUsd: 0 });
    expect(redone.error).toBeUndefined();
    expect(redone.history).toEqual([{ error: { kind: 'judge_error', message: expect.any(String) }, attempts: 1, costUsd: paid, judgeCostUsd: 0.002 }]);
    expect(retried.summary?.totals.costUsd).toBeCloseTo(paid, 9);
    expect(retried.summary?.totals.judgeCostUsd).toBeCloseTo(0.004, 9);
    expect(retried.summary?.cells[0]).toMatchObject({ cachedSamples: 1, scored: 1, passed: 1 });
  });
});
