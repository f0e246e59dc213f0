import { describe, expect, it } from 'vitest';
import { custom } from '../../src/scoring/custom.js';
import { isJudgeNotSent, runScorer, ScoringAborted, type Scorer } from '../../src/scoring/types.js';
import { all, any } from '../../src/scoring/combinators.js';
import { exact } from '../../src/scoring/exact.js';
import { rubric } from '../../src/judge/rubric.js';
import { ProviderError } from '../../src/providers/types.js';
import { sumJudgeUsage } from '../../src/engine/executeSample.js';
import { context, makeSample } from './sample.js';

const never = () => new Promise<never>(() => undefined);

describe('runScorer time bound', () => {
  it('ends a scorer that never answers as an errored score, and aborts the signal it was given', async () => {
    let seen: AbortSignal | undefined;
    const stuck: Scorer = {
      name: 'stuck',
      score: (_sample, scorerContext) => {
        seen = scorerContext.signal;
        return never();
      },
    };
    const score = await runScorer(stuck, makeSample('x'), context, 20);
    expect(score).toEqual({
      name: 'stuck',
      score: 0,
      pass: false,
      reason: 'timeout: the scorer gave no result within its time bound of 20 ms (raise scorerTimeoutMs in the suite if it needs longer)',
      error: 'timeout: the scorer gave no result within its time bound of 20 ms',
    });
    expect(seen?.aborted).toBe(true);
  });

  it('refuses a bound longer than a Node timer holds, which would end every scorer after 1 ms', async () => {
    const slow = custom('slow', () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 20)));
    await expect(runScorer(slow, makeSample('x'), context, 2_147_483_648)).rejects.toThrow(/^timeoutMs must be a whole number of ms from 1 to 2147483647 /);
    await expect(runScorer(slow, makeSample('x'), context, 2_147_483_647)).resolves.toMatchObject({ pass: true });
  });

  it('reports a synchronous scorer that returned only after its bound', async () => {
    const slow = custom('slow', () => {
      const until = performance.now() + 30;
      while (performance.now() < until) {
        // a scorer that blocks: it cannot be interrupted, only reported
      }
      return true;
    });
    const score = await runScorer(slow, makeSample('x'), context, 5);
    expect(score).toMatchObject({ pass: false, error: 'timeout: the scorer returned only after its time bound of 5 ms' });
  });

  it('leaves scores within the bound untouched, sync and async', async () => {
    expect(await runScorer(custom('sync', () => 0.9), makeSample('x'), context, 60_000)).toEqual({ name: 'sync', score: 0.9, pass: true, reason: 'sync returned 0.90 >= 0.50' });
    expect(await runScorer(custom('async', async () => false), makeSample('x'), context, 60_000)).toEqual({ name: 'async', score: 0, pass: false, reason: 'async returned false' });
  });

  it('throws ScoringAborted when the run stops hard while a scorer is pending: the sample is not done', async () => {
    const run = new AbortController();
    const pending = runScorer({ name: 'judge-like', score: never }, makeSample('x'), { signal: run.signal }, 60_000);
    run.abort(new Error('stopped by the user'));
    await expect(pending).rejects.toBeInstanceOf(ScoringAborted);
  });

  it('creates a signal for the scorer only when it asks, following the run signal', async () => {
    const run = new AbortController();
    let signal: AbortSignal | undefined;
    const reader: Scorer = {
      name: 'reader',
      score: (_sample, scorerContext) => {
        signal = scorerContext.signal;
        return { name: 'reader', score: 1, pass: true, reason: 'ok' };
      },
    };
    await runScorer(reader, makeSample('x'), { signal: run.signal }, 60_000);
    expect(signal).not.toBe(run.signal);
    expect(signal?.aborted).toBe(false);
  });
});

describe('a score that is not a score', () => {
  const scored = (result: unknown) => runScorer(custom('mine', () => result as never), makeSample('x'), context);

  it.each([
    ['a NaN score said to pass', { score: Number.NaN, pass: true }, 'mine returned score NaN: a score is a number from 0 to 1'],
    ['a pass written as a string', { score: 0, pass: 'false' }, 'mine returned pass "false": pass is true or false'],
    ['a number above 1', 5, 'mine returned score 5: a score is a number from 0 to 1'],
    ['an infinite number', Number.POSITIVE_INFINITY, 'mine returned score Infinity: a score is a number from 0 to 1'],
    ['a negative score', { score: -0.5, pass: false }, 'mine returned score -0.5: a score is a number from 0 to 1'],
    ['a reason that is not text', { score: 1, pass: true, reason: 42 }, 'mine returned reason 42: a reason is a string'],
  ])('is an errored score, not a pass or a clamped value: %s', async (_, result, message) => {
    expect(await scored(result)).toEqual({ name: 'mine', score: 0, pass: false, reason: message, error: message });
  });

  it('is an errored score from a scorer object too, whatever it returns', async () => {
    const nothing: Scorer = { name: 'nothing', score: () => undefined as never };
    expect(await runScorer(nothing, makeSample('x'), context)).toMatchObject({ pass: false, error: 'nothing returned undefined instead of a score { score, pass, reason }' });
    const late: Scorer = { name: 'late', score: async () => ({ name: 'late', score: 2, pass: true, reason: 'r' }) };
    expect(await runScorer(late, makeSample('x'), context)).toMatchObject({ pass: false, error: 'late returned score 2: a score is a number from 0 to 1' });
  });

  it('clamps what is only float rounding, and words a missing reason', async () => {
    expect(await scored({ score: 1 + 1e-12, pass: true })).toEqual({ name: 'mine', score: 1, pass: true, reason: 'mine returned 1.00 (pass)' });
    const bare: Scorer = { name: 'bare', score: () => ({ name: 'bare', score: 0.25, pass: false }) as never };
    expect(await runScorer(bare, makeSample('x'), context)).toEqual({ name: 'bare', score: 0.25, pass: false, reason: 'bare: score 0.25 (fail)' });
  });
});

describe('judge calls of a scorer that reports no usage', () => {
  it('are counted once, on the bounded call that made them: a combinator child scored without a bound is not given its parent count', async () => {
    const { all } = await import('../../src/scoring/combinators.js');
    const { sumJudgeUsage } = await import('../../src/engine/executeSample.js');
    const judge = { id: 'judge', generate: () => Promise.resolve({ text: 'yes', stopReason: 'end_turn' as const, latencyMs: 1, costUsd: 0.01, usage: { inputTokens: 4, outputTokens: 1 } }) };
    const asksJudge: Scorer = {
      name: 'asks',
      score: async (_sample, ctx) => {
        await ctx.judge!('m').generate({ model: 'm', messages: [{ role: 'user', content: 'ok?' }], maxTokens: 5 }, { signal: ctx.signal, repeat: 0, caseId: 'c', vars: {}, promptId: 'p', promptVersion: 'v' });
        return { name: 'asks', score: 1, pass: true, reason: 'ok' };
      },
    };
    const plain: Scorer = { name: 'plain', score: async () => ({ name: 'plain', score: 1, pass: true, reason: 'ok' }) };
    const score = await runScorer(all([asksJudge, plain]), makeSample('x'), { ...context, judge: () => judge }, 10_000);
    expect(sumJudgeUsage([score])).toMatchObject({ calls: 1, costUsd: 0.01 });
  });
});

describe('a rubric given its own judge provider', () => {
  it('keeps the usage of the judge calls that answered before its time bound, as a model-id judge does', async () => {
    const { rubric } = await import('../../src/judge/rubric.js');
    const verdict = JSON.stringify({ criteria: [{ id: 'clear', reasoning: 'it is', verdict: 'pass' }], overall: 'ok' });
    let calls = 0;
    // The first judgement answers at once; the second waits until the bound aborts it.
    const judge = {
      id: 'own-judge',
      generate: (_request: unknown, generateContext: { signal: AbortSignal }) => {
        calls++;
        if (calls === 1) return Promise.resolve({ text: verdict, stopReason: 'end_turn' as const, latencyMs: 1, costUsd: 0.02, usage: { inputTokens: 10, outputTokens: 5 } });
        return new Promise<never>((_resolve, reject) => generateContext.signal.addEventListener('abort', () => reject(generateContext.signal.reason), { once: true }));
      },
    };
    const scorer = rubric({ criteria: [{ id: 'clear', description: 'The answer is clear.', pass: 'It is.', fail: 'It is not.' }], judge, samples: 2 });
    const score = await runScorer(scorer, makeSample('x'), context, 20);
    expect(score).toMatchObject({ pass: false, error: 'timeout: the scorer gave no result within its time bound of 20 ms', judgeUsage: { calls: 1, costUsd: 0.02, inputTokens: 10, outputTokens: 5 } });
  });
});

describe('a judge call the budget did not send', () => {
  const verdict = JSON.stringify({ criteria: [{ id: 'clear', reasoning: 'it is', verdict: 'pass' }], overall: 'ok' });
  const criteria = [{ id: 'clear', description: 'The answer is clear.', pass: 'It is.', fail: 'It is not.' }];
  const answer = () => ({ text: verdict, stopReason: 'end_turn' as const, latencyMs: 1, costUsd: 0.02, usage: { inputTokens: 10, outputTokens: 5 } });
  const refusal = () => new ProviderError('budget', 'budget of $0.0100 reached ($0.0200 spent); request not sent');
  const refused = { id: 'refused', generate: () => Promise.reject(refusal()) };

  it('is an errored score marked not sent, with the usage of the judge calls that were made', async () => {
    const paid = { id: 'paid', generate: () => Promise.resolve(answer()) };
    const both = all([rubric({ name: 'a', criteria, judge: paid }), rubric({ name: 'b', criteria, judge: refused, samples: 2 })]);
    const score = await runScorer(both, makeSample('x'), context, 10_000);
    expect(score).toMatchObject({ pass: false, error: 'b: budget of $0.0100 reached ($0.0200 spent); request not sent' });
    expect(isJudgeNotSent(score.children![1]!)).toBe(true);
    expect(isJudgeNotSent(score.children![0]!)).toBe(false);
    expect(sumJudgeUsage([score])).toMatchObject({ calls: 1, costUsd: 0.02 });
  });

  it('inside all(), waits for a sibling judge still answering: its billed call stays in the score', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const slow = { id: 'slow', generate: () => released.then(answer) };
    // b is refused while a's call is in flight; a answers only on a later turn of the event loop.
    const refusedThenRelease = {
      id: 'refused',
      generate: () => {
        setImmediate(release);
        return Promise.reject(refusal());
      },
    };
    const both = all([rubric({ name: 'a', criteria, judge: slow }), rubric({ name: 'b', criteria, judge: refusedThenRelease })]);
    const score = await runScorer(both, makeSample('x'), context, 10_000);
    expect(score.children?.[0]).toMatchObject({ name: 'a', pass: true, judgeUsage: { calls: 1, costUsd: 0.02 } });
    expect(isJudgeNotSent(score.children![1]!)).toBe(true);
    expect(sumJudgeUsage([score])).toMatchObject({ calls: 1, costUsd: 0.02 });
  });

  it('inside any(), leaves a passing sibling to pass it, as any() does with any errored child', async () => {
    const either = any([exact(), rubric({ name: 'judged', criteria, judge: refused })]);
    const score = await runScorer(either, makeSample('x', 'x'), context, 10_000);
    expect(score).toMatchObject({ pass: true, score: 1 });
    expect(score.error).toBeUndefined();
    expect(isJudgeNotSent(score.children![1]!)).toBe(true);
  });

  it('marks a scorer that let the raw refusal escape, keeping the calls its bounded context counted', async () => {
    let calls = 0;
    const judge = { id: 'judge', generate: () => (++calls === 1 ? Promise.resolve(answer()) : Promise.reject(refusal())) };
    const twice: Scorer = {
      name: 'twice',
      score: async (_sample, ctx) => {
        const ask = () => ctx.judge!('m').generate({ model: 'm', messages: [{ role: 'user', content: 'ok?' }], maxTokens: 5 }, { signal: ctx.signal, repeat: 0, caseId: 'c', vars: {}, promptId: 'p', promptVersion: 'v' });
        await ask();
        await ask();
        return { name: 'twice', score: 1, pass: true, reason: 'ok' };
      },
    };
    const score = await runScorer(twice, makeSample('x'), { ...context, judge: () => judge }, 10_000);
    expect(score).toMatchObject({ pass: false, error: 'budget of $0.0100 reached ($0.0200 spent); request not sent', judgeUsage: { calls: 1, costUsd: 0.02 } });
    expect(isJudgeNotSent(score)).toBe(true);
  });

  it('keeps its mark when the rubric had a skipJudgeWhen gate that passed', async () => {
    const gated = rubric({ name: 'gated', criteria, judge: refused, skipJudgeWhen: exact() });
    const score = await runScorer(gated, makeSample('x', 'x'), context, 10_000);
    expect(score).toMatchObject({ pass: false, error: 'budget of $0.0100 reached ($0.0200 spent); request not sent', children: [{ pass: true }] });
    expect(isJudgeNotSent(score)).toBe(true);
  });
});
