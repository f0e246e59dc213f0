/**
 * Full Claude requests through the real SDK against the strict fake: the body the API receives
 * has the system blocks, turns, documents, images, tools, tool choice, cache marks and stream
 * where expected; tool calls, thinking and prompt-cache usage come back in the generation (with
 * time to first token when streamed); and the fake refuses what the API refuses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../../src/providers/anthropic/index.js';
import { cacheSavedUsd, loadModelTable } from '../../../src/providers/pricing.js';
import { ProviderError, type GenerationRequest, type Provider } from '../../../src/providers/types.js';
import { startFakeAnthropic, type FakeAnthropic, type FakeReply, type MessagesRequestBody } from '../../../src/testing/index.js';
import { PNG_BASE64, TINY_PDF } from '../../helpers/attachments.js';
import { clearAnthropicEnv, context, TEST_KEY } from './helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic;
let reply: (body: MessagesRequestBody) => FakeReply = () => ({ text: 'ok' });

function provider(): Provider {
  return createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 2_000, maxRetries: 0, onWarning: () => undefined });
}

const sent = () => fake.log.filter((e) => e.path === '/v1/messages').map((e) => e.body as Record<string, unknown>);

beforeAll(async () => {
  clearAnthropicEnv();
  fake = await startFakeAnthropic({ respond: (body) => reply(body) });
});
afterEach(() => {
  fake.reset();
  reply = () => ({ text: 'ok' });
});
afterAll(async () => {
  await fake.close();
});

/** A system prompt long enough to be cached by claude-haiku-4-5 (4 096 tokens; the fake counts four characters a token). */
const POLICY = 'Refunds are possible within 30 days of a charge. '.repeat(400);

const SUPPORT: GenerationRequest = {
  model: 'claude-haiku-4-5',
  maxTokens: 400,
  system: [
    { type: 'text', text: POLICY, cacheControl: { type: 'ephemeral', ttl: '1h' } },
    { type: 'text', text: 'Be brief.' },
  ],
  messages: [
    { role: 'user', content: 'How do I export?' },
    { role: 'assistant', content: 'Use Reports → Export.' },
    {
      role: 'user',
      content: [
        { type: 'document', source: { type: 'base64', mediaType: 'application/pdf', data: Buffer.from(TINY_PDF).toString('base64') }, title: 'Policy', citations: true },
        { type: 'document', source: { type: 'text', mediaType: 'text/plain', data: 'FAQ: exports are CSV.' } },
        { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: PNG_BASE64 } },
        { type: 'text', text: 'I was charged twice for INV-10421.', cacheControl: { type: 'ephemeral', ttl: '5m' } },
      ],
    },
  ],
  tools: [
    { name: 'lookup_invoice', description: 'Find an invoice', inputSchema: { type: 'object', properties: { number: { type: 'string' } }, required: ['number'] } },
    { name: 'create_refund', inputSchema: { type: 'object', properties: { number: { type: 'string' }, amount: { type: 'number' } } } },
  ],
  toolChoice: { type: 'auto' },
};

describe('a full request, as the API receives it', () => {
  it('sends system blocks, turns, documents, an image, tools, tool choice and cache marks in the API shape', async () => {
    await provider().generate(SUPPORT, context());
    const [body] = sent();
    expect(body!.system).toEqual([
      { type: 'text', text: POLICY, cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Be brief.' },
    ]);
    const messages = body!.messages as Array<{ role: string; content: unknown }>;
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[2]!.content).toEqual([
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: Buffer.from(TINY_PDF).toString('base64') }, title: 'Policy', citations: { enabled: true } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'FAQ: exports are CSV.' } },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_BASE64 } },
      { type: 'text', text: 'I was charged twice for INV-10421.', cache_control: { type: 'ephemeral', ttl: '5m' } },
    ]);
    expect(body!.tools).toEqual([
      { name: 'lookup_invoice', description: 'Find an invoice', input_schema: { type: 'object', properties: { number: { type: 'string' } }, required: ['number'] } },
      { name: 'create_refund', input_schema: { type: 'object', properties: { number: { type: 'string' }, amount: { type: 'number' } } } },
    ]);
    expect(body!.tool_choice).toEqual({ type: 'auto' });
    expect(body!.stream).toBe(false);
    // Our content hashes and sizes stay on our side.
    expect(JSON.stringify(body)).not.toMatch(/sha256|"bytes"|mediaType|cacheControl/);
  });

  it('records the tool calls in order, with the stop reason, and prices the answer', async () => {
    reply = () => ({ text: 'Let me look that up.', toolCalls: [{ name: 'lookup_invoice', input: { number: 'INV-10421' } }, { name: 'create_refund', input: { number: 'INV-10421', amount: 49 } }] });
    const generation = await provider().generate(SUPPORT, context());
    expect(generation.text).toBe('Let me look that up.');
    expect(generation.stopReason).toBe('tool_use');
    expect(generation.toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_fake_/), name: 'lookup_invoice', input: { number: 'INV-10421' } },
      { id: expect.stringMatching(/^toolu_fake_/), name: 'create_refund', input: { number: 'INV-10421', amount: 49 } },
    ]);
    expect(generation.costUsd).toBeGreaterThan(0);
  });

  it('streams when the request says so: the same tool calls and thinking, and a time to first token', async () => {
    reply = () => ({ text: 'Checking.', thinking: 'The customer wants a refund; look up the invoice first.', toolCalls: [{ name: 'lookup_invoice', input: { number: 'INV-10421' } }] });
    const generation = await provider().generate({ ...SUPPORT, model: 'claude-sonnet-5-5', stream: true }, context());
    expect(sent()[0]!.stream).toBe(true);
    expect(generation.streamed).toBe(true);
    expect(generation.ttftMs).toBeGreaterThanOrEqual(0);
    expect(generation.ttftMs!).toBeLessThanOrEqual(generation.latencyMs);
    expect(generation.thinking).toBe('The customer wants a refund; look up the invoice first.');
    expect(generation.toolCalls).toEqual([{ id: expect.any(String), name: 'lookup_invoice', input: { number: 'INV-10421' } }]);
    expect(generation.text).toBe('Checking.');
  });

  it('redacted thinking: the answer and its thinking tokens, no thinking text, streamed or not', async () => {
    reply = () => ({ text: 'Checking the invoice.', thinking: 'A flagged line of thought, long enough to count.', redactedThinking: true });
    for (const stream of [false, true]) {
      const generation = await provider().generate({ ...SUPPORT, model: 'claude-sonnet-5-5', stream }, context());
      const raw = generation.raw as { content: { type: string }[] };
      expect(raw.content[0]!.type).toBe('redacted_thinking');
      expect(generation.text).toBe('Checking the invoice.');
      expect(generation.thinking).toBeUndefined();
      expect(generation.usage!.thinkingTokens).toBeGreaterThan(0);
      expect(generation.stopReason).toBe('end_turn');
    }
  });

  it('a request that does not stream has no time to first token', async () => {
    const generation = await provider().generate(SUPPORT, context());
    expect(generation.streamed).toBeUndefined();
    expect(generation.ttftMs).toBeUndefined();
  });

  it('writes the marked prefix to the prompt cache once, reads it back after, split by TTL, and prices what it saved', async () => {
    const first = await provider().generate(SUPPORT, context());
    const second = await provider().generate({ ...SUPPORT, messages: [...SUPPORT.messages.slice(0, 2), { role: 'user', content: [{ type: 'text', text: 'Another question.' }] }] }, context());
    expect(first.usage!.cacheCreationInputTokens).toBeGreaterThan(0);
    expect(first.usage!.cacheCreation1hInputTokens).toBeGreaterThan(0); // the system block's 1h mark
    expect(first.usage!.cacheCreation5mInputTokens).toBeGreaterThan(0); // the last turn's 5m mark
    expect(first.usage!.cacheReadInputTokens).toBe(0);
    // The second request shares tools + system (the 1h prefix), not the last turn.
    expect(second.usage!.cacheReadInputTokens).toBe(first.usage!.cacheCreation1hInputTokens);
    expect(first.cacheSavedUsd).toBeLessThan(0); // paid the write premium
    expect(second.cacheSavedUsd).toBeGreaterThan(0);
    expect(second.cacheSavedUsd).toBeCloseTo(cacheSavedUsd(second.usage!, models.get('claude-haiku-4-5')!)!, 12);
  });

  it('caches nothing when the marked prefix is shorter than the model caches', async () => {
    const short = { ...SUPPORT, system: [{ type: 'text' as const, text: 'Short policy.', cacheControl: { type: 'ephemeral' as const } }], messages: [{ role: 'user' as const, content: 'Hi' }] };
    const generation = await provider().generate(short, context());
    expect(generation.usage!.cacheCreationInputTokens ?? 0).toBe(0);
    expect(generation.usage!.cacheReadInputTokens ?? 0).toBe(0);
    expect(generation.cacheSavedUsd).toBeUndefined();
  });
});

describe('what the strict fake refuses, as the API does', () => {
  async function refusal(request: GenerationRequest): Promise<string> {
    try {
      await provider().generate(request, context());
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe('bad_request');
      return (error as ProviderError).message;
    }
    throw new Error('expected a 400');
  }
  const user = (content: GenerationRequest['messages'][number]['content']): GenerationRequest => ({ model: 'claude-haiku-4-5', maxTokens: 100, messages: [{ role: 'user', content }] });

  it('a prefill on a model that does not take one', async () => {
    const prefill: GenerationRequest = { model: 'claude-sonnet-5-5', maxTokens: 100, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: '{' }] };
    expect(await refusal(prefill)).toMatch(/does not support assistant message prefill/);
    reply = () => ({ text: '"ok": true}' });
    expect((await provider().generate({ ...prefill, model: 'claude-haiku-4-5' }, context())).text).toBe('"ok": true}');
  });

  it('a prefill ending in whitespace, an empty turn, and an empty text block', async () => {
    expect(await refusal({ model: 'claude-haiku-4-5', maxTokens: 100, messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Sure ' }] })).toMatch(/final assistant content cannot end with trailing whitespace/);
    expect(await refusal(user(''))).toMatch(/all messages must have non-empty content/);
    expect(await refusal(user([{ type: 'text', text: '' }]))).toMatch(/text content blocks must be non-empty/);
  });

  it('five cache marks, and a 1h mark after a 5m one', async () => {
    const marked = (ttl: '5m' | '1h') => ({ type: 'text' as const, text: 'x', cacheControl: { type: 'ephemeral' as const, ttl } });
    expect(await refusal(user(Array.from({ length: 5 }, () => marked('5m'))))).toMatch(/A maximum of 4 blocks with cache_control may be provided. Found 5/);
    expect(await refusal(user([marked('5m'), marked('1h')]))).toMatch(/ttl='1h' cache_control block must not come after a ttl='5m'/);
  });

  it('an image whose bytes are not its media type, an image over 5 MB, and a PDF that is not one', async () => {
    expect(await refusal(user([{ type: 'image', source: { type: 'base64', mediaType: 'image/jpeg', data: PNG_BASE64 } }, { type: 'text', text: 'x' }]))).toMatch(
      /specified using the image\/jpeg media type, but the image appears to be a image\/png/,
    );
    const huge = Buffer.concat([Buffer.from(PNG_BASE64, 'base64'), Buffer.alloc(5 * 1024 * 1024)]).toString('base64');
    expect(await refusal(user([{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data: huge } }]))).toMatch(/image exceeds 5 MB maximum/);
    expect(await refusal(user([{ type: 'document', source: { type: 'base64', mediaType: 'application/pdf', data: PNG_BASE64 } }]))).toMatch(/The PDF specified was not valid/);
  });

  it('a tool result without its tool call, duplicate tool names, and a tool choice naming no tool', async () => {
    expect(await refusal(user([{ type: 'tool_result', toolUseId: 'toolu_1', content: '42' }]))).toMatch(/unexpected `tool_use_id` found in `tool_result` blocks: toolu_1/);
    const tool = { name: 'lookup', inputSchema: { type: 'object' } };
    expect(await refusal({ ...user('Hi'), tools: [tool, tool] })).toMatch(/Tool names must be unique/);
    expect(await refusal({ ...user('Hi'), tools: [tool], toolChoice: { type: 'tool', name: 'other' } })).toMatch(/Tool 'other' not found in tools/);
    expect(await refusal({ ...user('Hi'), tools: [{ name: 'lookup', inputSchema: { type: 'string' } }] })).toMatch(/input_schema.type: Input should be 'object'/);
  });

  it('accepts a tool result that answers the tool call before it (the door to multi-step evaluation)', async () => {
    const request: GenerationRequest = {
      model: 'claude-haiku-4-5',
      maxTokens: 100,
      tools: [{ name: 'lookup_invoice', inputSchema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'Find INV-1' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_invoice', input: { number: 'INV-1' } }] },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_1', content: '{"amount": 49}' }] },
      ],
    };
    await provider().generate(request, context());
    expect((sent()[0]!.messages as Array<{ content: unknown }>)[2]!.content).toEqual([{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"amount": 49}' }]);
  });
});
