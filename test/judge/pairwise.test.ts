/** Pairwise judging for compare: both orders, position bias counted as a tie, Wilson interval. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pairwiseJudge } from '../../src/judge/pairwise.js';
import { loadRubric } from '../../src/judge/rubric.js';
import { wilsonInterval } from '../../src/stats/index.js';
import type { MessagesRequestBody } from '../../src/testing/index.js';
import { JUDGE_MODEL, startScriptedJudge, userText, type ScriptedJudge } from './helpers.js';

let judge: ScriptedJudge;
beforeAll(async () => {
  judge = await startScriptedJudge();
});
afterEach(() => {
  judge.fake.log.length = 0;
});
afterAll(() => judge.fake.close());

const rubric = loadRubric({ criteria: [{ id: 'clear', description: 'Clear', pass: 'clear', fail: 'muddled' }] });
const between = (text: string, tag: string) => new RegExp(`<${tag}>\\n([\\s\\S]*?)\\n</${tag}>`).exec(text)?.[1] ?? '';
const answer = (preference: string) => ({ text: JSON.stringify({ reasoning: 'because', preference }) });

/** A judge with a stable taste: prefers the output containing "good". */
function tasteful(body: MessagesRequestBody) {
  const text = userText(body);
  const a = between(text, 'output_a');
  const b = between(text, 'output_b');
  if (a.includes('good') === b.includes('good')) return answer('tie');
  return answer(a.includes('good') ? 'A' : 'B');
}

describe('pairwiseJudge', () => {
  it('asks in both orders with structured output and counts consistent preferences', async () => {
    judge.answer(tasteful);
    const result = await pairwiseJudge(
      [
        { caseId: 'c1', task: 'Summarize.', baseline: 'bad one', candidate: 'good one' },
        { caseId: 'c2', task: 'Summarize.', baseline: 'good old', candidate: 'bad new' },
        { caseId: 'c3', task: 'Summarize.', baseline: 'good a', candidate: 'good b' },
      ],
      { judge: judge.provider, rubric, model: JUDGE_MODEL },
    );
    expect(result.perCase.map((c) => c.outcome)).toEqual(['win', 'loss', 'tie']);
    expect([result.wins, result.ties, result.losses, result.unscored]).toEqual([1, 1, 1, 0]);
    expect(result.winRate).toBe(0.5);
    const expected = wilsonInterval(1, 2);
    expect(result.interval).toEqual({ low: expected.low, high: expected.high });
    const bodies = judge.bodies();
    expect(bodies).toHaveLength(6);
    for (const body of bodies) expect((body['output_config'] as { format: { type: string } }).format.type).toBe('json_schema');
    const firstOrders = bodies.map((b) => between(userText(b as MessagesRequestBody), 'output_a')).filter((a) => a === 'bad one' || a === 'good one');
    expect(firstOrders.sort()).toEqual(['bad one', 'good one']);
    expect(result.judge.calls).toBe(6);
  });

  it('calls a preference that flips with the order a tie (position bias)', async () => {
    judge.answer(() => answer('A')); // always prefers whatever is shown first
    const result = await pairwiseJudge([{ caseId: 'c1', task: 't', baseline: 'x', candidate: 'y' }], { judge: judge.provider, rubric, model: JUDGE_MODEL });
    expect(result.perCase[0]).toMatchObject({ outcome: 'tie', reason: expect.stringContaining('flipped with the order') });
    expect(result.perCase[0]?.orders.map((o) => o.preferred)).toEqual(['baseline', 'candidate']);
    expect(result.winRate).toBeNull();
    expect(result.interval).toEqual({ low: 0, high: 1 });
  });

  it('leaves a case unscored when either order is refused or unreadable', async () => {
    judge.answer(tasteful);
    judge.fake.script('/v1/messages', [{ refusal: 'other' }]);
    const refused = await pairwiseJudge([{ caseId: 'c1', task: 't', baseline: 'bad', candidate: 'good' }], { judge: judge.provider, rubric, model: JUDGE_MODEL, concurrency: 1 });
    expect(refused.perCase[0]?.outcome).toBe('unscored');
    expect(refused.unscored).toBe(1);
    judge.answer(() => ({ text: 'I prefer A' }));
    const unreadable = await pairwiseJudge([{ caseId: 'c1', task: 't', baseline: 'bad', candidate: 'good' }], { judge: judge.provider, rubric, model: JUDGE_MODEL });
    expect(unreadable.perCase[0]?.reason).toMatch(/not JSON/);
  });
});
