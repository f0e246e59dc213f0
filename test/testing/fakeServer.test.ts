import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faultFromName, startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { TEST_KEY } from '../providers/anthropic/helpers.js';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ rateLimit: { requestsPerSecond: 5 } });
});
afterAll(() => fake.close());

const body = { model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'a fairly long question to stream' }] };
const countBody = { model: 'claude-haiku-5-5', messages: body.messages };

function post(path: string, payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` }) {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}

/** Waits out the fake's one-second request window, so a test starts with a full allowance. */
async function freshWindow(): Promise<void> {
  const last = Math.max(0, ...fake.log.map((e) => e.time));
  const wait = last + 1_000 - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

describe('fake Messages API: transport', () => {
  it('listens on 127.0.0.1 and rejects a request without a key', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await post('/v1/messages', body, {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('accepts x-api-key, sends rate-limit headers and a request id, and logs the request', async () => {
    await freshWindow();
    const response = await post('/v1/messages', body, { 'x-api-key': TEST_KEY });
    expect(response.status).toBe(200);
    for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      for (const part of ['limit', 'remaining', 'reset']) expect(response.headers.get(`anthropic-ratelimit-${kind}-${part}`)).not.toBeNull();
    }
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('300');
    const entry = fake.log.at(-1)!;
    expect(entry).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200, outcome: 'ok', body });
    expect(response.headers.get('request-id')).toBe(entry.requestId);
    expect(entry.headers['x-api-key']).toBe(TEST_KEY);
  });

  it('streams SSE records in the API order, each with an event line, thinking first', async () => {
    await freshWindow();
    const response = await post('/v1/messages', { ...body, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const records = (await response.text()).trim().split('\n\n');
    const events = records.map((r) => /^event: (.+)$/m.exec(r)?.[1]);
    expect(events[0]).toBe('message_start');
    // The API sends keep-alive pings, right after message_start and then now and again: a client must skip them.
    expect(events[1]).toBe('ping');
    expect(records[1]).toBe('event: ping\ndata: {"type":"ping"}');
    expect(events.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    expect(new Set(events.slice(2, -2))).toEqual(new Set(['content_block_start', 'content_block_delta', 'content_block_stop', 'ping']));
    expect(records.every((r) => /^data: /m.test(r))).toBe(true);
    const deltaTypes = records.map((r) => /"delta":\{"type":"(\w+)"/.exec(r)?.[1]).filter(Boolean);
    expect(deltaTypes.indexOf('thinking_delta')).toBeLessThan(deltaTypes.indexOf('text_delta'));
    expect(deltaTypes).toContain('signature_delta');
    expect(events.filter((e) => e === 'content_block_start')).toHaveLength(3);
  });

  it('ends a scripted mid-stream error with an overloaded_error event after some deltas', async () => {
    await freshWindow();
    fake.script('/v1/messages', ['midstream-error']);
    const text = await (await post('/v1/messages', { ...body, stream: true })).text();
    expect(text).toContain('event: content_block_delta');
    expect(text.trim().split('\n\n').at(-1)).toMatch(/^event: error\ndata: .*overloaded_error/);
  });

  it('enforces its request rate with 429 and retry-after-ms', async () => {
    await freshWindow();
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const response = await post('/v1/messages/count_tokens', countBody);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after-ms');
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(1000);
  });

  it('counts tokens and describes known models with lifecycle; unknown models are 404', async () => {
    await freshWindow();
    const counted = await (await post('/v1/messages/count_tokens', countBody)).json();
    expect(counted).toEqual({ input_tokens: Math.ceil('\na fairly long question to stream'.length / 4) });
    const model = await fetch(`${fake.url}/v1/models/claude-sonnet-4-5`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(await model.json()).toMatchObject({
      id: 'claude-sonnet-4-5',
      max_input_tokens: 200_000,
      max_tokens: 64_000,
      lifecycle: 'deprecated',
      retires_at: '2026-11-30T00:00:00Z',
    });
    const missing = await fetch(`${fake.url}/v1/models/claude-nope`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(missing.status).toBe(404);
  });

  it('draws the same random faults for the same seed', async () => {
    const run = async (seed: number) => {
      const f = await startFakeAnthropic();
      f.faultsAtRandom(seed, { rate_limit: 0.3, malformed: 0.3 });
      for (let i = 0; i < 12; i++) {
        const response = await fetch(`${f.url}/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_KEY}` },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
      }
      await f.close();
      return f.log.map((e) => e.outcome);
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
    expect(await run(8)).not.toEqual(a);
  });
});

describe('fake Messages API: strict validation (400 with the API error shape)', () => {
  let strict: FakeAnthropic;
  beforeAll(async () => {
    strict = await startFakeAnthropic();
  });
  afterAll(() => strict.close());

  async function answer(path: string, payload: unknown) {
    const response = await fetch(`${strict.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as { type: string; error?: { type: string; message: string }; [k: string]: unknown } };
  }

  const citedDocument = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'The sky is blue.' }, citations: { enabled: true } };

  const lookup = { name: 'lookup_invoice', input_schema: { type: 'object' } };
  /** A tool call answered by its result: the last assistant turn is part of the final tool loop. */
  const toolLoop: { role: string; content: string | object[] }[] = [
    { role: 'user', content: 'Find INV-1' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup_invoice', input: { number: 'INV-1' } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"amount": 49}' }] },
  ];

  /** A model that takes sampling parameters and a prefill, with thinking turned on. */
  const thinkingOn = { model: 'claude-haiku-4-5', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } };

  const schema = (extra: Record<string, unknown>) => ({
    type: 'object',
    properties: { score: { type: 'integer', ...extra } },
    required: ['score'],
    additionalProperties: false,
  });

  const rejected: [string, string, Record<string, unknown>, RegExp][] = [
    ['an unknown top-level field', '/v1/messages', { ...body, temprature: 0 }, /temprature: Extra inputs are not permitted/],
    ['a missing max_tokens', '/v1/messages', { model: body.model, messages: body.messages }, /max_tokens: Field required/],
    ['max_tokens on count_tokens', '/v1/messages/count_tokens', body, /max_tokens: Extra inputs are not permitted/],
    ['temperature on a model that rejects it', '/v1/messages', { ...body, temperature: 0.2 }, /temperature: claude-haiku-5-5 does not support/],
    ['top_k on a model that rejects it', '/v1/messages', { ...body, top_k: 5 }, /top_k/],
    ['a forced tool choice on a model that rejects it', '/v1/messages', { ...body, tool_choice: { type: 'any' } }, /tool_choice: type "any" is not supported/],
    ['a forced tool choice with thinking on', '/v1/messages', { ...body, model: 'claude-sonnet-4-6', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 }, tool_choice: { type: 'any' } }, /Thinking may not be enabled/],
    ['max_tokens above the model maximum', '/v1/messages', { ...body, model: 'claude-haiku-4-5', max_tokens: 100_000 }, /max_tokens: 100000 > 64000/],
    ['a thinking type the model does not accept', '/v1/messages', { ...body, max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } }, /thinking.type: "enabled" is not supported for claude-haiku-5-5/],
    ['a thinking budget below 1024', '/v1/messages', { ...body, model: 'claude-haiku-4-5', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 500 } }, /budget_tokens: Input should be greater than or equal to 1024/],
    ['a thinking budget not below max_tokens', '/v1/messages', { ...body, model: 'claude-haiku-4-5', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }, /max_tokens must be greater than thinking.budget_tokens/],
    ['an unknown effort', '/v1/messages', { ...body, output_config: { effort: 'extreme' } }, /output_config.effort/],
    ['a schema with minimum', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: schema({ minimum: 1 }) } } }, /properties\/score: 'minimum' is not supported/],
    ['a schema with maxLength', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: { ...schema({}), properties: { s: { type: 'string', maxLength: 3 } } } } } }, /'maxLength' is not supported/],
    ['a schema with pattern', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: { ...schema({}), properties: { s: { type: 'string', pattern: '^a' } } } } } }, /'pattern' is not supported/],
    ['a schema with minItems 2', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: { ...schema({}), properties: { s: { type: 'array', items: { type: 'string' }, minItems: 2 } } } } } }, /'minItems' of 2 is not supported/],
    ['a schema with an unsupported format', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: { ...schema({}), properties: { s: { type: 'string', format: 'phone' } } } } } }, /format 'phone' is not supported/],
    ['an object without additionalProperties: false', '/v1/messages', { ...body, output_config: { format: { type: 'json_schema', schema: { type: 'object', properties: {} } } } }, /'additionalProperties' must be set to false/],
    ['an unknown model', '/v1/messages', { ...body, model: 'claude-imaginary-9' }, /model: claude-imaginary-9/],
    ['max_tokens 0', '/v1/messages', { ...body, max_tokens: 0 }, /max_tokens: Input should be greater than or equal to 1/],
    ['metadata with a field other than user_id', '/v1/messages', { ...body, metadata: { session: 'abc' } }, /metadata.session: Extra inputs are not permitted/],
    ['a metadata user_id that is not a string', '/v1/messages', { ...body, metadata: { user_id: 42 } }, /metadata.user_id: Input should be a valid string/],
    ['a service_tier the API does not know', '/v1/messages', { ...body, service_tier: 'priority' }, /service_tier: Input should be 'auto' or 'standard_only'/],
    ['an unknown speed', '/v1/messages', { ...body, speed: 'turbo' }, /speed: Input should be 'standard' or 'fast'/],
    // Values outside the API's ranges are refused on every model, also one that takes sampling parameters.
    ['a temperature above 1', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', temperature: 2 }, /temperature: Input should be less than or equal to 1/],
    ['a temperature that is not a number', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', temperature: 'hot' }, /temperature: Input should be a valid number/],
    ['a negative top_p', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', top_p: -0.1 }, /top_p: Input should be greater than or equal to 0/],
    ['a top_k that is not a whole number', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', top_k: 1.5 }, /top_k: Input should be a valid integer/],
    ['a negative top_k', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', top_k: -1 }, /top_k: Input should be greater than or equal to 0/],
    ['a temperature above 1 on a model that rejects sampling parameters', '/v1/messages', { ...body, temperature: 1.5 }, /temperature: Input should be less than or equal to 1/],
    ['an inference_geo that is not a string', '/v1/messages', { ...body, inference_geo: 1 }, /inference_geo: Input should be a valid string/],
    [
      'citations with structured output',
      '/v1/messages',
      { ...body, output_config: { format: { type: 'json_schema', schema: schema({}) } }, messages: [{ role: 'user', content: [citedDocument, { type: 'text', text: 'Score it.' }] }] },
      /Citations are not supported with structured outputs/,
    ],
    ['an unknown field on a text block', '/v1/messages', { ...body, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi', cache: '5m' }] }] }, /messages\.0\.content\.0\.text\.cache: Extra inputs are not permitted/],
    ['an unknown field on a system block', '/v1/messages', { ...body, system: [{ type: 'text', text: 'Be brief.', ttl: '1h' }] }, /system\.0\.text\.ttl: Extra inputs are not permitted/],
    [
      'an unknown field on a tool result',
      '/v1/messages',
      { ...body, tools: [lookup], messages: [toolLoop[0], toolLoop[1], { role: 'user', content: [{ ...(toolLoop[2]!.content as object[])[0], error: true }] }] },
      /messages\.2\.content\.0\.tool_result\.error: Extra inputs are not permitted/,
    ],
    ['display on disabled thinking', '/v1/messages', { ...body, thinking: { type: 'disabled', display: 'omitted' } }, /thinking\.disabled\.display: Extra inputs are not permitted/],
    ['an unknown field in thinking', '/v1/messages', { ...body, thinking: { type: 'adaptive', level: 'high' } }, /thinking\.adaptive\.level: Extra inputs are not permitted/],
    ['disable_parallel_tool_use on tool_choice none', '/v1/messages', { ...body, tools: [lookup], tool_choice: { type: 'none', disable_parallel_tool_use: true } }, /tool_choice\.none\.disable_parallel_tool_use: Extra inputs are not permitted/],
    ['a name on tool_choice auto', '/v1/messages', { ...body, tools: [lookup], tool_choice: { type: 'auto', name: 'lookup_invoice' } }, /tool_choice\.auto\.name: Extra inputs are not permitted/],
    ['an unknown field in a cache mark', '/v1/messages', { ...body, system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral', ttl: '1h', scope: 'org' } }] }, /system\.0\.cache_control\.scope: Extra inputs are not permitted/],
    // Thinking takes no sampling changes and no prefill, on models that otherwise accept both.
    ['temperature other than 1 with thinking on', '/v1/messages', { ...body, ...thinkingOn, temperature: 0.2 }, /temperature: may only be set to 1 when thinking is enabled/],
    ['top_k with thinking on', '/v1/messages', { ...body, ...thinkingOn, top_k: 5 }, /top_k: .* not available when thinking is enabled/],
    // The models that take sampling parameters take temperature or top_p, not both (whatever their values).
    ['temperature with top_p', '/v1/messages', { ...body, model: 'claude-sonnet-4-5', temperature: 0.2, top_p: 0.9 }, /temperature and top_p cannot both be specified for this model/],
    ['top_p below 0.95 with adaptive thinking', '/v1/messages', { ...body, model: 'claude-sonnet-4-6', thinking: { type: 'adaptive' }, top_p: 0.5 }, /top_p: must be .*0\.95/],
    [
      'a tool loop with thinking on whose assistant turn starts with no thinking block',
      '/v1/messages',
      { ...body, ...thinkingOn, tools: [lookup], messages: toolLoop },
      /messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/,
    ],
    [
      'text before a tool result in the same turn',
      '/v1/messages',
      { ...body, tools: [lookup], messages: [toolLoop[0], toolLoop[1], { role: 'user', content: [{ type: 'text', text: 'Here it is:' }, ...(toolLoop[2]!.content as object[])] }] },
      /messages\.2\.content\.1: tool_result blocks must come first/,
    ],
    ['a prefill with thinking on', '/v1/messages', { ...body, ...thinkingOn, messages: [...body.messages, { role: 'assistant', content: 'The answer is' }] }, /When `thinking` is enabled, a final `assistant` message must start with a thinking block/],
  ];
  for (const [what, path, payload, message] of rejected) {
    it(`rejects ${what}`, async () => {
      const { status, body: error } = await answer(path, payload);
      expect(status).toBe(what === 'an unknown model' ? 404 : 400);
      expect(error).toMatchObject({ type: 'error', error: { type: what === 'an unknown model' ? 'not_found_error' : 'invalid_request_error' } });
      expect(error.error!.message).toMatch(message);
    });
  }

  it('accepts what the same models do accept', async () => {
    const accepted = [
      { ...body, model: 'claude-sonnet-4-5', temperature: 0.2, top_k: 5 },
      { ...body, temperature: 1 },
      { ...body, model: 'claude-sonnet-4-5', temperature: 0, top_k: 0 },
      { ...body, model: 'claude-sonnet-4-5', top_p: 1 },
      { ...body, model: 'claude-haiku-4-5', max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 2000 } },
      { ...body, thinking: { type: 'disabled' }, output_config: { effort: 'low', format: { type: 'json_schema', schema: schema({ description: '{minimum: 1}' }) } } },
      { ...body, model: 'claude-haiku-4-5-20251001' },
      { ...body, ...thinkingOn, temperature: 1 },
      { ...body, ...thinkingOn, top_p: 0.95 },
      { ...body, metadata: { user_id: 'user-7f3a' }, service_tier: 'standard_only', speed: 'standard', inference_geo: 'us' },
      { ...body, metadata: {}, service_tier: 'auto', speed: null, inference_geo: null },
      { ...body, messages: [{ role: 'user', content: [citedDocument, { type: 'text', text: 'What colour is the sky?' }] }] },
      { ...body, tools: [lookup], messages: toolLoop },
      { ...body, tools: [lookup], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, thinking: { type: 'adaptive', display: 'omitted' } },
      { ...body, tools: [lookup], tool_choice: { type: 'none' }, thinking: { type: 'disabled' } },
      // Blocks as an app passes an answer back: citations: null on text, the caller on a tool call; a tool reference in a result.
      {
        ...body,
        tools: [lookup],
        messages: [
          toolLoop[0],
          { role: 'assistant', content: [{ type: 'text', text: 'Let me look.', citations: null }, { ...(toolLoop[1]!.content as object[])[0], caller: { type: 'direct' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', is_error: false, content: [{ type: 'tool_reference', tool_name: 'lookup_invoice' }] }] },
        ],
      },
      { ...body, tools: [lookup], messages: [...toolLoop.slice(0, 2), { role: 'user', content: [...(toolLoop[2]!.content as object[]), { type: 'text', text: 'Go on.' }] }] },
      {
        ...body,
        ...thinkingOn,
        tools: [lookup],
        messages: [toolLoop[0], { role: 'assistant', content: [{ type: 'thinking', thinking: 'Look it up.', signature: 'sig' }, ...(toolLoop[1]!.content as object[])] }, toolLoop[2]],
      },
      // An earlier tool loop, answered and followed by more turns, needs no thinking block.
      { ...body, ...thinkingOn, tools: [lookup], messages: [...toolLoop, { role: 'assistant', content: 'It is 49.' }, { role: 'user', content: 'Thanks. And INV-2?' }] },
      {
        ...body,
        output_config: { format: { type: 'json_schema', schema: schema({}) } },
        messages: [{ role: 'user', content: [{ ...citedDocument, citations: { enabled: false } }, { type: 'text', text: 'Score it.' }] }],
      },
      { ...body, model: 'claude-haiku-4-5', temperature: 0, top_k: 5, messages: [...body.messages, { role: 'assistant', content: 'The answer is' }] },
    ];
    for (const payload of accepted) expect((await answer('/v1/messages', payload)).status, JSON.stringify(payload)).toBe(200);
  });

  it('takes thinking between_tools with its type only, as the API types it: display, budget_tokens and unknown fields are refused', async () => {
    const toolThinker = await startFakeAnthropic({ models: { 'claude-tool-thinker': { maxInputTokens: 200_000, thinking: { default: 'disabled', types: ['between_tools', 'disabled'] } } } });
    try {
      const send = (thinking: Record<string, unknown>) =>
        fetch(`${toolThinker.url}/v1/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ ...body, model: 'claude-tool-thinker', thinking }),
        });
      expect((await send({ type: 'between_tools' })).status).toBe(200);
      for (const [field, value] of [['display', 'omitted'], ['budget_tokens', 2000], ['level', 'high']] as const) {
        const response = await send({ type: 'between_tools', [field]: value });
        expect(response.status, field).toBe(400);
        const error = (await response.json()) as { error: { type: string; message: string } };
        expect(error.error).toEqual({ type: 'invalid_request_error', message: `thinking.between_tools.${field}: Extra inputs are not permitted` });
      }
    } finally {
      await toolThinker.close();
    }
  });
});

describe('fake Messages API: answers like current models', () => {
  let shaped: FakeAnthropic;
  beforeAll(async () => {
    shaped = await startFakeAnthropic({ respond: () => ({ text: 'The capital of France is Paris. STOP and more', usage: { cache_read_input_tokens: 5_000 } }) });
  });
  afterAll(() => shaped.close());

  async function message(payload: Record<string, unknown>) {
    const response = await fetch(`${shaped.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, max_tokens: 400, ...payload }),
    });
    return (await response.json()) as {
      content: { type: string; text?: string; thinking?: string }[];
      stop_reason: string;
      stop_sequence: string | null;
      usage: { output_tokens: number; output_tokens_details: { thinking_tokens: number } | null };
    };
  }
  const answerOf = (m: { content: { type: string; text?: string }[] }) => m.content.filter((b) => b.type === 'text').map((b) => b.text).join('');

  it('puts a thinking block first and splits the answer over several text blocks: content[0].text is not the answer', async () => {
    const m = await message({});
    expect(m.content[0]!.type).toBe('thinking');
    expect(m.content.filter((b) => b.type === 'text').length).toBeGreaterThan(1);
    expect(answerOf(m)).toBe('The capital of France is Paris. STOP and more');
    const naive = (reply: typeof m) => reply.content[0]!.text;
    expect(naive(m)).not.toBe(answerOf(m));
    expect(m.usage.output_tokens_details!.thinking_tokens).toBeGreaterThan(0);
    // Even without thinking, the first block is only part of the answer.
    const plain = await message({ thinking: { type: 'disabled' } });
    expect(plain.content[0]!.text).not.toBe(answerOf(plain));
    expect(plain.usage.output_tokens_details).toBeNull();
  });

  it('honours stop sequences, and counts thinking against max_tokens', async () => {
    const stopped = await message({ stop_sequences: ['STOP'] });
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    expect(answerOf(stopped)).toBe('The capital of France is Paris. ');
    const small = await message({ max_tokens: 12 });
    expect(small.stop_reason).toBe('max_tokens');
    expect(small.usage.output_tokens).toBeLessThanOrEqual(12);
    expect(answerOf(small).length).toBeLessThan('The capital of France is Paris. STOP and more'.length);
  });

  it('stops at model_context_window_exceeded when the answer runs into the end of the window, and 400s a prompt that does not fit', async () => {
    const long = 'x'.repeat(4 * 199_990);
    const near = await message({ model: 'claude-haiku-4-5', max_tokens: 1000, thinking: { type: 'disabled' }, messages: [{ role: 'user', content: long }] });
    expect(near.stop_reason).toBe('model_context_window_exceeded');
    const over = await fetch(`${shaped.url}/v1/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ ...body, model: 'claude-haiku-4-5', messages: [{ role: 'user', content: `${long}${'y'.repeat(400)}` }] }),
    });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { error: { message: string } }).error.message).toMatch(/prompt is too long/);
  });

  it('states realistic limits per model family, and does not charge cache reads to input tokens', async () => {
    const headersOf = async (model: string) =>
      (await fetch(`${shaped.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: JSON.stringify({ ...body, model }) })).headers;
    const haiku = await headersOf('claude-haiku-5-5');
    const opus = await headersOf('claude-opus-5-5');
    expect(Number(haiku.get('anthropic-ratelimit-input-tokens-limit'))).toBeGreaterThan(Number(opus.get('anthropic-ratelimit-input-tokens-limit')));
    expect(Number(opus.get('anthropic-ratelimit-requests-limit'))).toBeGreaterThanOrEqual(1_000);
    // Each answer reads 5 000 cached tokens; the input bucket went down by the uncached input only.
    const before = Number(haiku.get('anthropic-ratelimit-input-tokens-remaining'));
    const after = Number((await headersOf('claude-haiku-5-5')).get('anthropic-ratelimit-input-tokens-remaining'));
    expect(before - after).toBeLessThan(100);
    expect(Date.parse(haiku.get('anthropic-ratelimit-input-tokens-reset')!)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers with 429 and retry-after when a family limit is used up, and other families are unaffected', async () => {
    const tight = await startFakeAnthropic({ rateLimits: { 'haiku-5': { outputTokensPerMinute: 30 } } });
    try {
      const send = (model: string) =>
        fetch(`${tight.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: JSON.stringify({ ...body, model }) });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await send('claude-haiku-5-5')).status);
      expect(statuses).toContain(429);
      const limited = tight.log.find((e) => e.status === 429)!;
      expect(limited.outcome).toBe('rate_limited');
      const retry = await send('claude-haiku-5-5');
      if (retry.status === 429) expect(Number(retry.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await send('claude-sonnet-5-5')).status).toBe(200);
    } finally {
      await tight.close();
    }
  });

  it('sends account errors with error.details.error_code and x-should-retry', async () => {
    const f = await startFakeAnthropic();
    try {
      f.script('/v1/messages', [{ status: 429, errorCode: 'enforced_spend_limit_reached', shouldRetry: false, message: 'spend limit' }, faultFromName('billing'), faultFromName('organization_on_hold')]);
      const statuses: [number, string | null, unknown][] = [];
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${f.url}/v1/messages`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: JSON.stringify(body) });
        statuses.push([r.status, r.headers.get('x-should-retry'), await r.json()]);
      }
      expect(statuses[0]).toEqual([429, 'false', { type: 'error', error: { type: 'rate_limit_error', message: 'spend limit', details: { error_code: 'enforced_spend_limit_reached' } }, request_id: null }]);
      expect(statuses[1]![0]).toBe(402);
      expect(statuses[1]![2]).toMatchObject({ error: { type: 'billing_error' } });
      expect(statuses[2]![2]).toMatchObject({ error: { type: 'invalid_request_error', details: { error_code: 'organization_on_hold' } } });
    } finally {
      await f.close();
    }
  });

  it('validates batch requests: a bad custom id refuses the batch, an invalid request errors alone', async () => {
    const f = await startFakeAnthropic({ batchProcessingMs: 0 });
    try {
      const create = (requests: unknown) =>
        fetch(`${f.url}/v1/messages/batches`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body: JSON.stringify({ requests }) });
      expect((await create([{ custom_id: 'has space', params: body }])).status).toBe(400);
      expect((await create([{ custom_id: 'a', params: body }, { custom_id: 'a', params: body }])).status).toBe(400);
      const batch = (await (await create([{ custom_id: 'ok', params: body }, { custom_id: 'bad', params: { ...body, temperature: 0.5 } }])).json()) as { id: string };
      const results = await (await fetch(`${f.url}/v1/messages/batches/${batch.id}/results`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).text();
      const byId = Object.fromEntries(results.trim().split('\n').map((l) => JSON.parse(l) as { custom_id: string; result: { type: string } }).map((l) => [l.custom_id, l.result]));
      expect(byId.ok!.type).toBe('succeeded');
      expect(byId.bad).toMatchObject({ type: 'errored', error: { error: { type: 'invalid_request_error' } } });
    } finally {
      await f.close();
    }
  });
});
