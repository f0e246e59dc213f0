/**
 * The one task text every judge sees. Its layout is pinned: recorded judge answers are replayed by
 * a key over the judge request, so a change here would orphan every recording of a rubric judge.
 */
import { describe, expect, it } from 'vitest';
import { promptTaskText } from '../../src/judge/pairwiseComparison.js';
import { rubric } from '../../src/judge/rubric.js';
import { judgeTaskText } from '../../src/judge/taskText.js';
import type { GenerationRequest, Provider } from '../../src/providers/types.js';
import { promptStoreLine } from '../../src/records/promptStore.js';
import { runScorer } from '../../src/scoring/types.js';
import { makeSample, verdicts } from './helpers.js';

describe('judgeTaskText', () => {
  it('shows a lone user message as it is', () => {
    expect(judgeTaskText({ messages: [{ role: 'user', content: 'Summarize: the launch moved.' }] })).toBe('Summarize: the launch moved.');
  });

  it('labels every part once there is a system text, separated by a blank line', () => {
    expect(judgeTaskText({ system: 'Be brief.', messages: [{ role: 'user', content: 'Summarize: x' }] })).toBe('[system]\nBe brief.\n\n[user]\nSummarize: x');
  });

  it('labels every turn of a multi-turn request (few-shot, prefill)', () => {
    const text = judgeTaskText({
      messages: [
        { role: 'user', content: 'Example input' },
        { role: 'assistant', content: 'Example answer' },
        { role: 'user', content: 'Real input' },
        { role: 'assistant', content: '{' },
      ],
    });
    expect(text).toBe('[user]\nExample input\n\n[assistant]\nExample answer\n\n[user]\nReal input\n\n[assistant]\n{');
  });

  it('treats an empty system text as none', () => {
    expect(judgeTaskText({ system: '', messages: [{ role: 'user', content: 'Hi' }] })).toBe('Hi');
  });

  it('joins text blocks and names the blocks a judge cannot read as text', () => {
    const text = judgeTaskText({
      system: [{ type: 'text', text: 'Rules part one.' }, { type: 'text', text: 'Rules part two.' }],
      messages: [{ role: 'user', content: [{ type: 'document' }, { type: 'text', text: 'Summarize the document.' }] }],
    });
    expect(text).toBe('[system]\nRules part one.\n\nRules part two.\n\n[user]\n[document]\n\nSummarize the document.');
  });
});

describe('one task text for every judge', () => {
  it("the rubric judge's request carries it byte for byte (the replay key of recorded judge answers)", async () => {
    const requests: GenerationRequest[] = [];
    const judge: Provider = {
      id: 'capture',
      async generate(request) {
        requests.push(request);
        return { text: verdicts({ brief: 'pass' }), stopReason: 'end_turn', latencyMs: 1 };
      },
    };
    const scorer = rubric({ criteria: [{ id: 'brief', description: 'Brief', pass: 'short', fail: 'long' }], judge, model: 'judge-model' });
    const score = await runScorer(scorer, makeSample('The launch is on 3 May.'), { signal: new AbortController().signal });
    expect(score.pass).toBe(true);
    const content = requests[0]!.messages[0]!.content;
    expect(content).toContain('<task>\n[system]\nSummarize.\n\n[user]\nSummarize: The launch moved to 3 May.\n</task>');
  });

  it('pairwise reads a stored prompt exactly as the rubric judge reads the request it came from', () => {
    const sample = makeSample('x');
    const stored = { hash: 'h', system: sample.request.system as string, user: sample.request.messages[0]!.content as string };
    expect(promptTaskText(stored)).toBe(judgeTaskText(sample.request));
    expect(promptTaskText({ hash: 'h', user: 'Only a user turn' })).toBe('Only a user turn');
  });

  it('a conversation prompt reaches the rubric judge turn by turn, and pairwise reads its stored line the same way', async () => {
    const request: GenerationRequest = {
      model: 'claude-haiku-4-5',
      maxTokens: 100,
      system: [{ type: 'text', text: 'You are support.', cacheControl: { type: 'ephemeral', ttl: '5m' } }],
      messages: [
        { role: 'user', content: 'How do I export?' },
        { role: 'assistant', content: 'Reports → Export.' },
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', mediaType: 'text/plain', data: 'Refunds within 30 days.' }, title: 'Refund policy' },
            { type: 'text', text: 'Can I get a refund?' },
          ],
        },
      ],
      tools: [{ name: 'lookup_invoice', inputSchema: { type: 'object' } }],
    };
    const task = '[system]\nYou are support.\n\n[user]\nHow do I export?\n\n[assistant]\nReports → Export.\n\n[user]\n[document: Refund policy]\n\nCan I get a refund?';
    expect(judgeTaskText(request)).toBe(task);
    expect(promptTaskText(promptStoreLine(request))).toBe(task);

    const requests: GenerationRequest[] = [];
    const judge: Provider = {
      id: 'capture',
      async generate(judged) {
        requests.push(judged);
        return { text: verdicts({ brief: 'pass' }), stopReason: 'end_turn', latencyMs: 1 };
      },
    };
    const scorer = rubric({ criteria: [{ id: 'brief', description: 'Brief', pass: 'short', fail: 'long' }], judge, model: 'judge-model' });
    await runScorer(scorer, { ...makeSample('Yes, within 30 days.'), request }, { signal: new AbortController().signal });
    expect(requests[0]!.messages[0]!.content).toContain(`<task>\n${task}\n</task>`);
  });
});
