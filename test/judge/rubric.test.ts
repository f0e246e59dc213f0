/**
 * The rubric judge against the fake Messages API through the real SDK: structured answers, every
 * way a judgement can be unusable (never a silent 0), samples with independent repeats, usage
 * accounting, and the response cache.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withCache } from '../../src/providers/cache.js';
import { ProviderError, type Provider } from '../../src/providers/types.js';
import { checklist } from '../../src/judge/checklist.js';
import { findRubricScorer, JUDGE_REPEAT_STRIDE, rubric } from '../../src/judge/rubric.js';
import { InputError } from '../../src/errors.js';
import { runScorer, type ScorerContext } from '../../src/scoring/types.js';
import { JUDGE_MODEL, levels, makeSample, startScriptedJudge, userText, verdicts, type ScriptedJudge } from './helpers.js';

let judge: ScriptedJudge;
const scratch = await mkdtemp(join(tmpdir(), 'promptgold-rubric-'));
const signal = new AbortController().signal;

beforeAll(async () => {
  judge = await startScriptedJudge();
});
afterEach(() => {
  judge.fake.log.length = 0;
});
afterAll(async () => {
  await judge.fake.close();
  await rm(scratch, { recursive: true, force: true });
});

const criteria = [
  { id: 'faithful', description: 'Only facts from the document', pass: 'every fact is in the document', fail: 'invents a fact' },
  { id: 'dates', description: 'Keeps the dates', pass: 'names the new date', fail: 'drops or changes the date' },
];

function context(provider: Provider = judge.provider): ScorerContext {
  return { signal, judge: (model) => (model === JUDGE_MODEL ? provider : (undefined as never)) };
}

describe('rubric judge over the Messages API', () => {
  it('sends the rubric as structured output (output_config.format json_schema) and scores the answer', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'fail' }) }));
    const scorer = rubric({ criteria, judge: JUDGE_MODEL });
    const score = await runScorer(scorer, makeSample('The launch moved.'), context());

    expect(scorer.judgeModel).toBe(JUDGE_MODEL);
    expect(score).toMatchObject({ name: 'rubric', score: 0.5, pass: false });
    expect(score.error).toBeUndefined();
    expect(score.reason).toContain('1 of 2 criteria pass');
    expect(score.reason).toContain('dates: dates is fail');
    const [body] = judge.bodies();
    expect(body).toBeDefined();
    expect(body!['model']).toBe(JUDGE_MODEL);
    expect(body!['tool_choice']).toBeUndefined();
    const format = (body!['output_config'] as { format: { type: string; schema: Record<string, unknown> } }).format;
    expect(format.type).toBe('json_schema');
    const items = (format.schema['properties'] as { criteria: { items: { required: string[]; properties: Record<string, { enum?: unknown[] }> } } }).criteria.items;
    // Reasoning is asked for before the verdict.
    expect(items.required).toEqual(['id', 'reasoning', 'verdict']);
    expect(items.properties['id']?.enum).toEqual(['faithful', 'dates']);
    const prompt = userText(body as never);
    expect(prompt).toContain('<output>\nThe launch moved.\n</output>');
    expect(prompt).toContain('- Fail: drops or changes the date');
    expect(prompt).toContain('Summarize: The launch moved to 3 May.');
    expect(score.judgeUsage).toMatchObject({ calls: 1, cached: 0 });
    expect(score.judgeUsage!.inputTokens).toBeGreaterThan(0);
    expect(score.judgeUsage!.costUsd).toBeGreaterThan(0);
  });

  it('passes a pass-fail rubric only when every criterion passes', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }, 'fine') }));
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('The launch moved to 3 May.'), context());
    expect(score).toMatchObject({ score: 1, pass: true });
    expect(score.reason).toBe('2 of 2 criteria pass: fine');
  });

  it('scores a 1-5 rubric as the normalized mean level, passing at a mean of 4', async () => {
    const anchored = criteria.map(({ id, description }) => ({ id, description, levels: ['awful', 'poor', 'fair', 'good', 'perfect'] }));
    judge.answer(() => ({ text: levels({ faithful: 5, dates: 3 }) }));
    const score = await runScorer(rubric({ criteria: anchored, scale: '1-5', judge: JUDGE_MODEL }), makeSample('x'), context());
    expect(score.score).toBeCloseTo(0.75, 10);
    expect(score.pass).toBe(true);
    expect(score.details?.['meanLevel']).toBe(4);
    const schema = (judge.bodies()[0]!['output_config'] as { format: { schema: { properties: { criteria: { items: { required: string[] } } } } } }).format.schema;
    expect(schema.properties.criteria.items.required).toEqual(['id', 'reasoning', 'score']);

    judge.answer(() => ({ text: levels({ faithful: 4, dates: 3 }) }));
    const below = await runScorer(rubric({ criteria: anchored, scale: '1-5', judge: JUDGE_MODEL }), makeSample('y'), context());
    expect(below.pass).toBe(false);
    const threshold = await runScorer(rubric({ criteria: anchored, scale: '1-5', judge: JUDGE_MODEL, threshold: 0.6 }), makeSample('y'), context());
    expect(threshold.pass).toBe(true);
  });

  it('leaves malformed JSON unscored with the reason, not a silent 0', async () => {
    judge.answer(() => ({ text: '{"criteria": [{"id": "faithful", "reasoning": "fine", "verd' }));
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('a'), context());
    expect(score.error).toMatch(/not valid JSON|not JSON/);
    expect(score.reason).toMatch(/^unscored: /);
    expect(score.pass).toBe(false);
    expect(score.judgeUsage?.calls).toBe(1);
  });

  it('leaves an answer that skips a criterion unscored', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass' }) }));
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('b'), context());
    expect(score.error).toBe('judge answer omits criteria dates');
  });

  it('leaves a refusal unscored, naming the category', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    judge.fake.script('/v1/messages', [{ refusal: 'cyber' }]);
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('c'), context());
    expect(score.error).toBe('judge refused (cyber)');
    expect(score.reason).toBe('unscored: judge refused (cyber)');
  });

  it('leaves a max_tokens cut unscored as truncated', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    judge.fake.script('/v1/messages', ['max_tokens']);
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL, maxTokens: 300 }), makeSample('d'), context());
    expect(score.error).toMatch(/truncated at max_tokens \(300\)/);
    expect(judge.bodies()[0]!['max_tokens']).toBe(300);
  });

  it('turns a provider error into an errored score carrying the provider message', async () => {
    judge.fake.script('/v1/messages', [{ status: 400, message: 'schema too complex' }]);
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('e'), context());
    expect(score.error).toMatch(/judge call failed \(bad_request: .*schema too complex/);
    expect(score.reason).toMatch(/^judge error: /);
  });

  it('counts the cost of a judge answer that was billed and then refused (bad_output), as the budget counts it', async () => {
    const billed = { text: '{"not":"the schema"}', stopReason: 'end_turn' as const, latencyMs: 3, costUsd: 0.25, usage: { inputTokens: 40, outputTokens: 10 } };
    const refusing: Provider = { id: 'judge', generate: () => Promise.reject(new ProviderError('bad_output', 'the answer breaks the output schema', { generation: billed })) };
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('e2'), context(refusing));
    expect(score.error).toMatch(/judge call failed \(bad_output: /);
    expect(score.judgeUsage).toEqual({ calls: 1, inputTokens: 40, outputTokens: 10, costUsd: 0.25, latencyMs: 3, cached: 0 });
  });

  it('errors clearly when no judge provider is available for a model id', async () => {
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL }), makeSample('f'), { signal });
    expect(score.error).toMatch(/no judge provider for claude-haiku-4-5/);
  });

  it('with includeExpected shows the case\'s expected as the reference, and refuses a case without one (scorer error, no judge call)', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    const scorer = rubric({ criteria, judge: JUDGE_MODEL, includeExpected: true });
    const referenced = await runScorer(scorer, makeSample('Berlin', { expected: 'Paris' }), context());
    expect(referenced.error).toBeUndefined();
    expect(userText(judge.bodies()[0] as never)).toContain('<reference>\nParis\n</reference>');

    judge.fake.log.length = 0;
    const missing = await runScorer(scorer, makeSample('Berlin'), context());
    expect(missing).toMatchObject({ name: 'rubric', score: 0, pass: false });
    expect(missing.error).toMatch(/^expected is missing: the case has no expected value to show the judge \(includeExpected\)/);
    expect(missing.reason).toBe(missing.error);
    // Not a judge error: no judge was asked (the sample ends as a scorer_error, naming the dataset).
    expect(missing.judgeUsage).toBeUndefined();
    expect(judge.bodies()).toHaveLength(0);
    const set = await scorer.judgeSample(makeSample('Berlin'), context(), 2);
    expect(set.attempts.map((a) => a.ok)).toEqual([false, false]);
    expect(judge.bodies()).toHaveLength(0);
  });

  it('asks n times with distinct repeat indices and reports mean and spread', async () => {
    let call = 0;
    judge.answer(() => ({ text: call++ % 2 === 0 ? verdicts({ faithful: 'pass', dates: 'pass' }) : verdicts({ faithful: 'pass', dates: 'fail' }) }));
    const repeats: number[] = [];
    const spy: Provider = {
      id: 'spy',
      generate: (request, ctx) => {
        repeats.push(ctx.repeat);
        return judge.provider.generate(request, ctx);
      },
    };
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL, samples: 4 }), makeSample('g', { repeat: 2 }), context(spy));
    expect(repeats.sort((a, b) => a - b)).toEqual([0, 1, 2, 3].map((k) => 2 * JUDGE_REPEAT_STRIDE + k));
    expect(score.score).toBeCloseTo(0.75, 10);
    expect(score.details).toMatchObject({ judgements: 4, mean: 0.75, stdev: 0.25, min: 0.5, max: 1 });
    // dates passes in 2 of 4 judgements: not a majority, so the sample fails.
    expect(score.pass).toBe(false);
    expect(score.judgeUsage?.calls).toBe(4);
  });

  it('scores from the usable judgements when some of n fail, and says so', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    judge.fake.script('/v1/messages', [{ refusal: 'other' }]);
    const score = await runScorer(rubric({ criteria, judge: JUDGE_MODEL, samples: 3 }), makeSample('h'), context());
    expect(score.error).toBeUndefined();
    expect(score.details).toMatchObject({ requested: 3, judgements: 2 });
    expect(score.reason).toContain('1 judgement unusable');
  });

  it('reuses cached judgements without calling the API again, and counts them as cached', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    const cached = withCache(judge.provider, join(scratch, 'cache'));
    const scorer = rubric({ criteria, judge: JUDGE_MODEL, samples: 2 });
    const first = await runScorer(scorer, makeSample('i'), context(cached));
    const second = await runScorer(scorer, makeSample('i'), context(cached));
    expect(judge.bodies()).toHaveLength(2);
    expect(cached.hits()).toBe(2);
    expect(first.judgeUsage).toMatchObject({ calls: 2, cached: 0 });
    expect(second.judgeUsage).toMatchObject({ calls: 2, cached: 2, costUsd: 0, inputTokens: 0, latencyMs: 0 });
    expect(second.score).toBe(first.score);

    // Another repeat of the sample is a different judgement: no cache hit, the API is asked.
    await runScorer(scorer, makeSample('i', { repeat: 1 }), context(cached));
    expect(judge.bodies()).toHaveLength(4);
    // Without the cache layer (what --no-cache builds), every call reaches the API.
    await runScorer(scorer, makeSample('i'), context(judge.provider));
    expect(judge.bodies()).toHaveLength(6);
  });

  it('skips the judge when a hard checklist item fails, and says so', async () => {
    judge.answer(() => ({ text: verdicts({ faithful: 'pass', dates: 'pass' }) }));
    const scorer = rubric({ criteria, judge: JUDGE_MODEL, skipJudgeWhen: checklist({ mustInclude: ['3 May'] }) });
    const skipped = await runScorer(scorer, makeSample('The launch moved.'), context());
    expect(judge.bodies()).toHaveLength(0);
    expect(skipped).toMatchObject({ score: 0, pass: false, details: { judgeSkipped: true } });
    expect(skipped.reason).toBe('judge skipped: checklist failed: 1 of 1 items fail: mustInclude "3 May" (does not contain "3 May")');
    expect(skipped.judgeUsage).toBeUndefined();

    const judged = await runScorer(scorer, makeSample('The launch moved to 3 May.'), context());
    expect(judge.bodies()).toHaveLength(1);
    expect(judged.pass).toBe(true);
    expect(judged.children?.[0]?.name).toBe('checklist');
  });

  it('accepts any Provider as the judge, without a judgeModel', async () => {
    const scripted: Provider = {
      id: 'mine',
      generate: async () => ({ text: verdicts({ faithful: 'fail', dates: 'fail' }), stopReason: 'end_turn', latencyMs: 3, costUsd: 0.002, usage: { inputTokens: 10, outputTokens: 5 } }),
    };
    const scorer = rubric({ criteria, judge: scripted, model: 'my-judge' });
    expect(scorer.judgeModel).toBeUndefined();
    const score = await runScorer(scorer, makeSample('j'), { signal });
    expect(score).toMatchObject({ score: 0, pass: false, judgeUsage: { calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.002, latencyMs: 3, cached: 0 } });
  });

  it('treats a thrown ProviderError from any judge the same way', async () => {
    const failing: Provider = { id: 'down', generate: async () => Promise.reject(new ProviderError('overloaded', 'try later')) };
    const score = await runScorer(rubric({ criteria, judge: failing }), makeSample('k'), { signal });
    expect(score.error).toBe('judge call failed (overloaded: try later)');
    expect(score.judgeUsage?.calls).toBe(1);
  });
});

describe('findRubricScorer', () => {
  it('picks the first rubric scorer, or the one named, and names the suite file when there is none', () => {
    const first = rubric({ criteria, judge: JUDGE_MODEL, name: 'first' });
    const second = rubric({ criteria, judge: JUDGE_MODEL, name: 'second' });
    const scorers = [checklist({ maxWords: 5 }), first, second];
    expect(findRubricScorer(scorers, 'suites/s.eval.ts')).toBe(first);
    expect(findRubricScorer(scorers, 'suites/s.eval.ts', 'second')).toBe(second);
    expect(() => findRubricScorer(scorers, 'suites/s.eval.ts', 'third')).toThrow(/suites\/s\.eval\.ts: scorers: the suite has no rubric scorer named "third"/);
    expect(() => findRubricScorer([checklist({ maxWords: 5 })], 'suites/s.eval.ts')).toThrow(InputError);
  });
});
