/** The session's --max-cost budget as each provider kind meets it. */
import { afterEach, describe, expect, it } from 'vitest';
import { sameAsSource } from '../../src/chaos/invariants.js';
import { RunSession } from '../../src/engine/assemble.js';
import { loadSuite } from '../../src/engine/loadSuite.js';
import { runSuite } from '../../src/engine/run.js';
import { readRecord } from '../../src/records/reader.js';
import { rubric } from '../../src/judge/rubric.js';
import { createFunctionProvider } from '../../src/providers/function.js';
import { ProviderError, type GenerationRequest, type Provider } from '../../src/providers/types.js';
import { all, any, contains, custom, exact } from '../../src/scoring/index.js';
import type { Scorer } from '../../src/scoring/types.js';
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

const SAYS = [{ id: 'says', description: 'The answer says the word.', pass: 'It does.', fail: 'It does not.' }];

/** A rubric for each name, each given `judge` directly. */
function rubricsJudgedBy(judge: Provider, names = ['rubric']): Scorer[] {
  return names.map((name) => rubric({ name, criteria: SAYS, judge, model: 'my-judge' }));
}

/** Free echo samples, one at a time, scored by `scorers`. */
function echoSuite(scorers: Scorer[]) {
  return defineSuite({
    name: 'echo',
    prompt: './prompts',
    models: ['claude-haiku-4-5'],
    dataset: './data.jsonl',
    scorers,
    provider: (input: Record<string, unknown>) => String(input.word),
    concurrency: 1,
  });
}

async function runWithBudget(maxCostUsd: number, scorers: Scorer[], { resume = false } = {}) {
  const session = await RunSession.open({ root: project.root, config: {}, provider: 'function', maxCostUsd, onWarning: () => undefined });
  const loaded = await session.loadSuite(echoSuite(scorers), project.path('echo.eval.ts'));
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
    const { session, record } = await runWithBudget(0.01, rubricsJudgedBy(judge));

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
    const first = await runWithBudget(0.01, rubricsJudgedBy(judge, ['first', 'second']));

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

    const resumed = await runWithBudget(1, rubricsJudgedBy(judge, ['first', 'second']), { resume: true });
    expect(resumed.result.status).toBe('complete');
    expect(sent).toHaveLength(5);
    expect(resumed.record.samples.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(resumed.record.samples[1]!.judge).toMatchObject({ calls: 2, costUsd: 0.008 });
  });
});

describe('a judge call the budget did not send, inside a combinator', () => {
  it('all(): a sibling judge call still answering is waited for, and its cost is in the record as in the budget', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(1) });
    // c's judgement spends the whole budget; b asks only after that, and is refused, while a's
    // judgement (sent before) is still answering: a answers on a later turn of the event loop.
    let openGate!: () => void;
    const gateOpen = new Promise<void>((resolve) => (openGate = resolve));
    let releaseA!: () => void;
    const aReleased = new Promise<void>((resolve) => (releaseA = resolve));
    const c = costlyJudge(0.01);
    const a = costlyJudge(0.004);
    const cJudge: Provider = {
      id: 'c-judge',
      generate: (request, context) => {
        setImmediate(openGate); // once its answer is counted in the budget
        return c.judge.generate(request, context);
      },
    };
    const aJudge: Provider = { id: 'a-judge', generate: (request, context) => aReleased.then(() => a.judge.generate(request, context)) };
    const afterC = custom('after c', async () => {
      await gateOpen;
      setImmediate(releaseA);
      return true;
    });
    const scorer = all([
      rubric({ name: 'c', criteria: SAYS, judge: cJudge, model: 'my-judge' }),
      rubric({ name: 'a', criteria: SAYS, judge: aJudge, model: 'my-judge' }),
      rubric({ name: 'b', criteria: SAYS, judge: costlyJudge(0.004).judge, model: 'my-judge', skipJudgeWhen: afterC }),
    ]);
    const { session, record } = await runWithBudget(0.01, [scorer]);

    expect(session.budget!.spent).toBeCloseTo(0.014, 9);
    const sample = record.samples[0]!;
    expect(sample.judge).toMatchObject({ calls: 2, costUsd: 0.014 });
    expect(record.summary?.totals.judgeCostUsd).toBeCloseTo(0.014, 9);
    // The skip names the scorer whose judge was not sent.
    expect(sample.error).toEqual({ kind: 'budget', message: "b's judge: budget of $0.0100 reached ($0.0100 spent); request not sent" });
  });

  it('any(): a passing sibling passes the sample, which is scored, not skipped', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(1) });
    // The first scorer's judgement spends the whole budget: the one inside any() is refused.
    const { judge, sent } = costlyJudge(0.01);
    const { result, record } = await runWithBudget(0.01, [...rubricsJudgedBy(judge, ['spender']), any([exact(), ...rubricsJudgedBy(judge, ['judged'])])]);

    expect(sent).toHaveLength(1);
    const sample = record.samples[0]!;
    expect(sample.error).toBeUndefined();
    expect(sample.pass).toBe(true);
    expect(sample.scores[1]?.children?.[1]).toMatchObject({ name: 'judged', pass: false, error: 'budget of $0.0100 reached ($0.0100 spent); request not sent' });
    expect(result.status).toBe('complete');
  });
});

describe('a chaos sample whose source case is a budget skip', () => {
  it('is a budget skip too, and --resume scores both', async () => {
    project = await tempProject({ 'prompts/echo.v1.hbs': ECHO_PROMPT, 'data.jsonl': wordCases(1) });
    // The source's judgement is refused for the budget, the chaos sample's are sent: as a budget
    // refuses a request whose worst case does not fit and sends a smaller one after it.
    const { judge: answering, sent } = costlyJudge(0.001);
    let refuseNext = true;
    const judge: Provider = {
      id: 'own-judge',
      generate: (request, context) => {
        if (!refuseNext) return answering.generate(request, context);
        refuseNext = false;
        return Promise.reject(new ProviderError('budget', 'budget of $0.0100 reached ($0.0100 spent); request not sent'));
      },
    };
    const says = rubricsJudgedBy(judge, ['says'])[0]!;
    const suite = defineSuite({
      ...echoSuite([says]),
      chaos: { operators: ['zero-width'], invariants: [sameAsSource({ scorer: says })] },
    });
    const runDir = project.path('runs', 'r1');
    const runOnce = async (resume: boolean) => {
      const loaded = await loadSuite(suite, project.path('echo.eval.ts'), { chaos: true }, project.root);
      const result = await runSuite(loaded, { provider: createFunctionProvider((input: Record<string, unknown>) => String(input.word)), runDir, runId: 'r1', resume });
      return { result, record: await readRecord(`${runDir}/run.jsonl`) };
    };

    const first = await runOnce(false);
    const [source, variant] = first.record.samples;
    expect(source).toMatchObject({ caseId: 'w000', error: { kind: 'budget' } });
    expect(variant!.caseId).toBe('w000~zero-width');
    expect(variant!.error).toEqual({
      kind: 'budget',
      message: "sameAsSource:says: the source case w000 did not finish (says's judge: budget of $0.0100 reached ($0.0100 spent); request not sent): the comparison is left for --resume",
    });
    expect(first.result.status).toBe('incomplete');
    expect(first.result.notRun).toBe('2 samples answered but not judged: budget reached');

    const resumed = await runOnce(true);
    expect(resumed.result.status).toBe('complete');
    expect(resumed.record.samples.map((s) => s.error)).toEqual([undefined, undefined]);
    expect(resumed.record.samples[1]!.scores.find((s) => s.name === 'sameAsSource:says')).toMatchObject({ pass: true, details: { sourceScoreFrom: 'record' } });
    // The chaos sample's judgement of the first run, and both samples' of the resumed one.
    expect(sent).toHaveLength(4);
  });
});
