import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { InfrastructureError } from '../../../src/errors.js';
import { createAnthropicProvider } from '../../../src/providers/anthropic/index.js';
import { abortableSleep } from '../../../src/providers/pacing.js';
import { loadModelTable } from '../../../src/providers/pricing.js';
import { ProviderError, type Provider, type SampleDeadline } from '../../../src/providers/types.js';
import { faultFromName, spendLimitFault, startFakeAnthropic, type FakeAnthropic, type MessagesRequestBody } from '../../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic;
const errorMessages: string[] = [];

/** JSON when the request asks for structured output (its schema names the fields), an echo otherwise. */
function respond(body: MessagesRequestBody) {
  const format = (body.output_config as { format?: { schema?: { properties?: Record<string, unknown> } } } | undefined)?.format;
  const last = body.messages?.at(-1)?.content;
  if (format) return { text: typeof last === 'string' && last.startsWith('{') ? last : JSON.stringify({ answer: 'Paris' }) };
  return { text: `echo: ${typeof last === 'string' ? last : ''}` };
}

function provider(overrides: Partial<Parameters<typeof createAnthropicProvider>[0]> = {}): Provider {
  return createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 2_000, maxRetries: 2, onWarning: () => undefined, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    errorMessages.push(String((error as Error).message), String((error as Error).stack));
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

const messagesLog = () => fake.log.filter((e) => e.path === '/v1/messages');
const messageBodies = () => messagesLog().map((e) => e.body as Record<string, unknown>);

/** A deadline that records what the provider told it. */
function recordingDeadline() {
  const events: string[] = [];
  const budgets: number[] = [];
  const deadline: SampleDeadline = {
    pause: () => events.push('pause'),
    start: (ms) => {
      events.push('start');
      budgets.push(ms ?? 0);
    },
  };
  return { deadline, events, budgets };
}

beforeAll(async () => {
  clearAnthropicEnv();
  fake = await startFakeAnthropic({ respond });
});
afterEach(() => {
  fake.reset();
});
afterAll(async () => {
  await fake.close();
});

describe('request mapping', () => {
  it('sends system, messages, stop sequences, effort, thinking, headers and the output schema through the SDK helper', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string', maxLength: 20 } }, required: ['answer'] };
    const generation = await provider({ defaultHeaders: { 'x-gateway-route': 'eu' }, betas: ['fast-mode-2026-02-01', 'other-beta'] }).generate(
      request('hi', { system: 'Be brief.', stopSequences: ['END'], params: { effort: 'low', thinking: { type: 'disabled' } }, outputSchema: schema }),
      context(),
    );
    expect(generation.text).toBe('{"answer":"Paris"}');
    const [body] = messageBodies();
    expect(body).toMatchObject({
      model: 'claude-haiku-5-5',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
      stop_sequences: ['END'],
      thinking: { type: 'disabled' },
      output_config: { effort: 'low', format: { type: 'json_schema' } },
    });
    // The SDK's transform: additionalProperties false, the unsupported maxLength moved into the description.
    const sent = (body!.output_config as { format: { schema: Record<string, unknown> } }).format.schema;
    expect(sent).toMatchObject({ additionalProperties: false, properties: { answer: { type: 'string', description: '{maxLength: 20}' } } });
    expect(JSON.stringify(sent)).not.toContain('"maxLength"');
    const headers = messagesLog()[0]!.headers;
    expect(headers['x-gateway-route']).toBe('eu');
    expect(headers['anthropic-beta']).toBe('fast-mode-2026-02-01,other-beta');
  });

  it('drops temperature/top_p for models that reject them and reports it', async () => {
    const generation = await provider().generate(request('hi', { params: { temperature: 0, top_p: 0.9, mystery_flag: true } }), context());
    expect(generation.droppedParams).toEqual(['mystery_flag', 'temperature', 'top_p']);
    expect(messageBodies()[0]).not.toHaveProperty('temperature');
    expect(messageBodies()[0]).not.toHaveProperty('mystery_flag');
  });

  it('drops the sampling parameters a thinking model rejects, keeps the ones it takes, and reports it', async () => {
    const thinking = { type: 'enabled', budget_tokens: 1024 };
    const generation = await provider().generate(
      request('hi', { model: 'claude-sonnet-4-5', maxTokens: 2_000, params: { thinking, temperature: 0, top_k: 5, top_p: 0.5 } }),
      context(),
    );
    expect(generation.droppedParams).toEqual(['temperature', 'top_k', 'top_p']);
    expect(generation.thinking).toBeDefined();
    const body = messageBodies()[0]!;
    for (const name of ['temperature', 'top_k', 'top_p']) expect(body).not.toHaveProperty(name);
    // The values thinking takes are sent as asked.
    const kept = await provider().generate(request('hi', { model: 'claude-sonnet-4-5', maxTokens: 2_000, params: { thinking, top_p: 0.95 } }), context());
    expect(kept.droppedParams).toBeUndefined();
    expect(messageBodies()[1]).toMatchObject({ top_p: 0.95 });
  });

  it('sends temperature without top_p when a template sets both (the API takes one of them), and reports top_p dropped', async () => {
    const generation = await provider().generate(request('hi', { model: 'claude-sonnet-4-5', params: { temperature: 0.2, top_p: 0.9 } }), context());
    expect(generation.droppedParams).toEqual(['top_p']);
    expect(messageBodies()[0]).toMatchObject({ temperature: 0.2 });
    expect(messageBodies()[0]).not.toHaveProperty('top_p');
  });

  it('keeps temperature for older models that accept it', async () => {
    const generation = await provider().generate(request('hi', { model: 'claude-sonnet-4-5', params: { temperature: 0 } }), context());
    expect(generation.droppedParams).toBeUndefined();
    expect(messageBodies()[0]).toHaveProperty('temperature', 0);
  });
});

describe('generations', () => {
  it('joins every text block, keeps thinking apart, maps usage, prices it and records latency, attempts and the request id', async () => {
    const generation = await provider().generate(request('hello there'), context());
    expect(generation.text).toBe('echo: hello there');
    expect(generation.thinking).toMatch(/^The user wrote \d+ characters\.$/);
    const thinkingTokens = Math.ceil(generation.thinking!.length / 4);
    expect(generation.stopReason).toBe('end_turn');
    expect(generation.usage).toMatchObject({ inputTokens: 3, outputTokens: thinkingTokens + 5, thinkingTokens, serviceTier: 'standard' });
    expect(generation.costUsd).toBeCloseTo((3 * 0.1 + (thinkingTokens + 5) * 0.5) / 1e6, 15);
    expect(generation.pricesAsOf).toBe(models.pricesAsOf);
    expect(generation.attempts).toBe(1);
    expect(generation.latencyMs).toBeGreaterThan(0);
    expect(generation.model).toBe('claude-haiku-5-5');
    expect(generation.requestId).toBe(messagesLog()[0]!.requestId);
    expect(JSON.stringify(generation.raw)).not.toContain(TEST_KEY);
  });

  it('records the stop sequence that ended the answer', async () => {
    const generation = await provider().generate(request('one END two', { stopSequences: ['END'] }), context());
    expect(generation).toMatchObject({ stopReason: 'stop_sequence', stopSequence: 'END', text: 'echo: one ' });
  });

  it('returns a refusal as a Generation with its category', async () => {
    fake.script('/v1/messages', [{ refusal: 'bio' }]);
    const generation = await provider().generate(request('something'), context());
    expect(generation.stopReason).toBe('refusal');
    expect(generation.stopDetails).toMatchObject({ type: 'refusal', category: 'bio' });
  });

  it('returns a refusal that came after part of the answer the same way streamed or not: the partial text, the category, the usage', async () => {
    fake.script('/v1/messages', [{ refusal: 'cyber', afterText: true }, { refusal: 'cyber', afterText: true }]);
    const plain = await provider().generate(request('tell me everything'), context());
    const streamed = await provider().generate(request('tell me everything', { stream: true }), context());
    for (const generation of [plain, streamed]) {
      expect(generation).toMatchObject({ text: 'echo: tell m', stopReason: 'refusal', stopDetails: { type: 'refusal', category: 'cyber' } });
      expect(generation.usage?.outputTokens).toBeGreaterThan(0);
    }
    expect(streamed.usage).toEqual(plain.usage);
    expect(streamed.streamed).toBe(true);
  });

  it('returns max_tokens truncation as a Generation, streamed or not', async () => {
    fake.script('/v1/messages', ['max_tokens', 'max_tokens']);
    const plain = await provider().generate(request('a long question'), context());
    const streamed = await provider({ stream: true }).generate(request('a long question'), context());
    for (const generation of [plain, streamed]) {
      expect(generation.stopReason).toBe('max_tokens');
      expect(generation.text.length).toBeGreaterThan(0);
    }
    expect(messageBodies()[1]).toHaveProperty('stream', true);
  });

  it('streams and assembles the same answer, thinking and request id as the JSON response', async () => {
    const generation = await provider({ stream: true }).generate(request('stream this please, it is a longer text'), context());
    expect(generation.text).toBe('echo: stream this please, it is a longer text');
    expect(generation.thinking).toMatch(/^The user wrote/);
    expect(generation.usage?.thinkingTokens).toBeGreaterThan(0);
    expect(generation.requestId).toBe(messagesLog()[0]!.requestId);
  });

  it('does not refuse a prompt that leaves less room than max_tokens: the API stops at model_context_window_exceeded', async () => {
    const long = 'x'.repeat(4 * 199_000);
    const generation = await provider().generate(request(long, { model: 'claude-haiku-4-5', maxTokens: 2_000 }), context());
    expect(generation.stopReason).toBe('model_context_window_exceeded');
    expect(messagesLog()).toHaveLength(1);
  });

  it('counts attempts across SDK retries of 429, 529, 500 and a dropped connection', async () => {
    // The drop comes first: without a retry-after header the SDK backs off exponentially.
    fake.script('/v1/messages', ['drop', { status: 429, retryAfterMs: 5 }, { status: 529 }, { status: 500 }]);
    const generation = await provider({ maxRetries: 4 }).generate(request('retry me'), context());
    expect(generation.attempts).toBe(5);
    expect(messagesLog().map((e) => e.outcome)).toEqual(['drop', 'status:429', 'status:529', 'status:500', 'ok']);
    // The private attempt header never reaches the server.
    expect(fake.log.every((e) => !('x-promptgold-attempt-key' in e.headers))).toBe(true);
  });
});

describe('network faults (issue 14.4)', () => {
  it('retries a connection cut in the middle of a 200 JSON body like any connection error', async () => {
    fake.script('/v1/messages', ['drop-mid-body']);
    const generation = await provider().generate(request('cut me'), context());
    expect(generation).toMatchObject({ text: 'echo: cut me', attempts: 2 });
    expect(messagesLog().map((e) => e.outcome)).toEqual(['drop-mid-body', 'ok']);
  });

  it('sends a stream cut mid-body again, within the attempt budget', async () => {
    fake.script('/v1/messages', ['drop-mid-body']);
    const generation = await provider({ stream: true }).generate(request('stream cut'), context());
    expect(generation).toMatchObject({ text: 'echo: stream cut', attempts: 2 });
  });

  it('sends a stream that ended cleanly before message_stop again, as a cut one; every attempt so is a connection error', async () => {
    fake.script('/v1/messages', ['end-mid-body']);
    const generation = await provider({ stream: true }).generate(request('a question long enough to stream in several deltas'), context());
    expect(generation).toMatchObject({ text: 'echo: a question long enough to stream in several deltas', attempts: 2, stopReason: 'end_turn' });
    expect(messagesLog().map((e) => e.outcome)).toEqual(['end-mid-body', 'ok']);
    fake.script('/v1/messages', ['end-mid-body', 'end-mid-body']);
    const error = await failure(provider({ stream: true, maxRetries: 1 }).generate(request('a question long enough to stream in several deltas'), context()));
    expect(error).toMatchObject({ kind: 'connection', attempts: 2 });
    expect(error.message).toMatch(/stream ended/);
  });

  it('sends a stream that stalls (nothing arrives, not even a ping, for streamIdleTimeoutMs) again, within the attempt budget', async () => {
    fake.script('/v1/messages', ['stall']);
    // The idle limit also watches the attempt that should succeed: 5 s, so a busy machine that blocks
    // this process for a while cannot make the good stream look stalled. The stall never sends, so
    // this test still ends by the idle timer, about 5 s in (no assertion on the time).
    const generation = await provider({ stream: true, streamIdleTimeoutMs: 5_000 }).generate(request('stall once'), context());
    expect(generation).toMatchObject({ text: 'echo: stall once', attempts: 2, stopReason: 'end_turn' });
    expect(messagesLog().map((e) => e.outcome)).toEqual(['stall', 'ok']);
  });

  it('ends a stream that stalls on every attempt as a timeout that says it stalled, with every attempt counted', async () => {
    fake.script('/v1/messages', ['stall', 'stall']);
    // A short idle limit is safe here: no attempt should succeed, and a stall never sends, so a late timer still finds it stalled.
    const error = await failure(provider({ stream: true, maxRetries: 1, streamIdleTimeoutMs: 300 }).generate(request('always stalls'), context()));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2, fatal: false });
    expect(error.message).toMatch(/the answer stream stalled: nothing arrived for 0\.3 s \(streamIdleTimeoutMs\)/);
    expect(messagesLog().map((e) => e.outcome)).toEqual(['stall', 'stall']);
    // Each stalled connection is closed, not left open.
    await vi.waitFor(() => expect(messagesLog().map((e) => e.clientAborted)).toEqual([true, true]));
  });

  it('refuses a streamIdleTimeoutMs longer than the longest timer Node keeps, which would take every stream as stalled after 1 ms', () => {
    expect(() => provider({ streamIdleTimeoutMs: 2_147_483_648 })).toThrow(RangeError);
    expect(() => provider({ streamIdleTimeoutMs: 2_147_483_648 })).toThrow(/streamIdleTimeoutMs must be a whole number of ms from 1 to 2147483647 .*got 2147483648/);
    expect(() => provider({ streamIdleTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => provider({ streamIdleTimeoutMs: 2_147_483_647 })).not.toThrow();
  });

  it('refuses an attempt timeout or a longest retry wait over that limit: the SDK arms each as one timer (a longer retry-after it does not wait out)', () => {
    for (const option of ['timeoutMs', 'maxRetryWaitMs'] as const) {
      expect(() => provider({ [option]: 2_147_483_648 })).toThrow(RangeError);
      expect(() => provider({ [option]: 2_147_483_648 })).toThrow(new RegExp(`^${option} must be a whole number of ms from 1 to 2147483647 .*got 2147483648`));
      expect(() => provider({ [option]: 2_147_483_647 })).not.toThrow();
    }
  });

  it('stops waiting to send a cut stream again as soon as the run is stopped', async () => {
    fake.script('/v1/messages', ['drop-mid-body']);
    const stop = new AbortController();
    const reason = new Error('stopped by the user');
    const waits: number[] = [];
    // A backoff far longer than any test: it ends only because the signal aborts.
    const sleep = (ms: number, signal: AbortSignal) => {
      waits.push(ms);
      stop.abort(reason);
      return abortableSleep(3_600_000, signal);
    };
    const outcome = provider({ stream: true, sleep }).generate(request('stream cut'), context({ signal: stop.signal }));
    await expect(outcome).rejects.toBe(reason);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(messagesLog().map((e) => e.outcome)).toEqual(['drop-mid-body']);
  });

  it('ends as a connection error, with every attempt counted, when each attempt is cut', async () => {
    fake.script('/v1/messages', ['drop-mid-body', 'drop-mid-body']);
    const error = await failure(provider({ maxRetries: 1 }).generate(request('always cut'), context()));
    expect(error).toMatchObject({ kind: 'connection', attempts: 2, fatal: false });
    expect(error.message).toMatch(/connection closed before the response body was complete/);
    fake.script('/v1/messages', ['drop-mid-body', 'drop-mid-body']);
    const streamed = await failure(provider({ maxRetries: 1, stream: true }).generate(request('always cut'), context()));
    expect(streamed).toMatchObject({ kind: 'connection', attempts: 2 });
  });

  it('does not wait out a retry-after longer than the run waits: rate_limit at once, with the wait asked for', async () => {
    fake.script('/v1/messages', [{ status: 429, retryAfterSeconds: 86_400 }]);
    const error = await failure(provider({ maxRetries: 3 }).generate(request('wait a day'), context()));
    expect(error).toMatchObject({ kind: 'rate_limit', attempts: 1, retryAfterMs: 86_400_000, fatal: false });
    expect(error.message).toMatch(/asked to wait 86400 s .* longer than this run waits \(maxRetryWaitMs 60 s\)/);
    expect(messagesLog()).toHaveLength(1);
  });

  for (const [status, kind] of [
    [529, 'overloaded'],
    [503, 'provider_error'],
  ] as const) {
    it(`does not wait out a ${status} whose retry-after is longer than the run waits: ${kind} at once, not a timeout later`, async () => {
      fake.script('/v1/messages', [{ status, retryAfterSeconds: 3_600 }]);
      // Only a guard: a provider that sleeps out the hour is stopped here and fails the test.
      const stop = new AbortController();
      const guard = setTimeout(() => stop.abort(new Error('the provider was still waiting out the retry-after')), 5_000);
      try {
        const error = await failure(provider({ maxRetries: 2, maxRetryWaitMs: 1_000 }).generate(request('overloaded for an hour'), context({ signal: stop.signal })));
        expect(error).toMatchObject({ kind, status, attempts: 1, retryAfterMs: 3_600_000, fatal: false });
        expect(error.message).toMatch(/asked to wait 3600 s before retrying, longer than this run waits \(maxRetryWaitMs 1\.0 s\)/);
        expect(messagesLog()).toHaveLength(1);
      } finally {
        clearTimeout(guard);
      }
    });
  }

  it('does not wait out a long retry-after while counting tokens or looking the model up either (the deadline is paused then)', async () => {
    fake.script('/v1/models', [{ status: 529, retryAfterSeconds: 3_600 }]);
    fake.script('/v1/messages/count_tokens', [{ status: 529, retryAfterSeconds: 3_600 }]);
    const stop = new AbortController();
    const guard = setTimeout(() => stop.abort(new Error('the provider was still waiting out the retry-after')), 5_000);
    try {
      const error = await failure(provider({ countTokens: true, maxRetryWaitMs: 1_000 }).generate(request('count me'), context({ signal: stop.signal })));
      expect(error).toMatchObject({ kind: 'overloaded', status: 529, attempts: 0, retryAfterMs: 3_600_000 });
      expect(error.message).toMatch(/asked to wait 3600 s before retrying, longer than this run waits/);
      // The model lookup fell back to the table at once; nothing was retried or sent.
      expect(fake.log.map((e) => e.path)).toEqual(['/v1/models/claude-haiku-5-5', '/v1/messages/count_tokens']);
    } finally {
      clearTimeout(guard);
    }
  });

  it('still waits out a short retry-after', async () => {
    fake.script('/v1/messages', [{ status: 429, retryAfterSeconds: 0.05 }]);
    const generation = await provider({ maxRetryWaitMs: 1_000 }).generate(request('wait a moment'), context());
    expect(generation.attempts).toBe(2);
  });
});

describe('errors', () => {
  it('classifies an exhausted 429 as rate_limit with the attempt count and request id', async () => {
    fake.script('/v1/messages', [{ status: 429, retryAfterMs: 1 }, { status: 429, retryAfterMs: 1 }]);
    const error = await failure(provider({ maxRetries: 1 }).generate(request('x'), context()));
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, attempts: 2, fatal: false, requestId: messagesLog()[1]!.requestId });
  });

  it('sends a stream again after a mid-stream overload, as the SDK retries a 529 before the stream starts', async () => {
    fake.script('/v1/messages', ['midstream-error']);
    const generation = await provider({ stream: true }).generate(request('stream then fail'), context());
    expect(generation).toMatchObject({ text: 'echo: stream then fail', attempts: 2, stopReason: 'end_turn' });
    expect(messagesLog().map((e) => e.outcome)).toEqual(['midstream-error', 'ok']);
  });

  it('classifies a mid-stream overload by its type, once every attempt met one', async () => {
    fake.script('/v1/messages', ['midstream-error', 'midstream-error']);
    const error = await failure(provider({ stream: true, maxRetries: 1 }).generate(request('stream then fail'), context()));
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBeUndefined();
    expect(error.attempts).toBe(2);
    expect(messagesLog()).toHaveLength(2);
  });

  it('sends a stream again after a mid-stream api_error event, as the SDK retries a 500 before the stream starts; provider_error once every attempt met one', async () => {
    fake.script('/v1/messages', ['midstream-api-error']);
    const generation = await provider({ stream: true }).generate(request('stream then break'), context());
    expect(generation).toMatchObject({ text: 'echo: stream then break', attempts: 2, stopReason: 'end_turn' });
    expect(messagesLog().map((e) => e.outcome)).toEqual(['midstream-api-error', 'ok']);
    fake.script('/v1/messages', ['midstream-api-error', 'midstream-api-error']);
    const error = await failure(provider({ stream: true, maxRetries: 1 }).generate(request('stream then break'), context()));
    expect(error).toMatchObject({ kind: 'provider_error', attempts: 2, fatal: false });
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/api_error/);
  });

  it('classifies a malformed body as provider_error', async () => {
    fake.script('/v1/messages', ['malformed']);
    const error = await failure(provider().generate(request('x'), context()));
    expect(error.kind).toBe('provider_error');
    expect(error.message).toMatch(/malformed/);
    // Streamed, a body that never started a message is malformed too: not taken for a cut stream, not sent again.
    fake.script('/v1/messages', ['malformed']);
    const streamed = await failure(provider({ stream: true }).generate(request('x'), context()));
    expect(streamed).toMatchObject({ kind: 'provider_error', attempts: 1 });
  });

  it('classifies a hang as timeout after the SDK retried it', async () => {
    fake.script('/v1/messages', ['hang', 'hang']);
    const error = await failure(provider({ timeoutMs: 150, maxRetries: 1 }).generate(request('x', { maxTokens: 4 }), context()));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
  });

  const accountCases: [string, () => Parameters<FakeAnthropic['script']>[1][number], string | undefined][] = [
    ['a spend-limit 429 (retryable by the SDK by default)', () => spendLimitFault(), 'enforced_spend_limit_reached'],
    ['a spend-limit 429 with x-should-retry: false', () => spendLimitFault(false), 'enforced_spend_limit_reached'],
    ['a contract spend limit', () => ({ status: 429, errorCode: 'contract_spend_limit_reached' }), 'contract_spend_limit_reached'],
    ['402 billing_error', () => faultFromName('billing'), undefined],
    ['400 organization_on_hold', () => faultFromName('organization_on_hold'), 'organization_on_hold'],
  ];
  for (const [what, fault, code] of accountCases) {
    it(`makes ${what} a fatal account error at the first attempt`, async () => {
      fake.script('/v1/messages', [fault()]);
      const error = await failure(provider({ maxRetries: 2 }).generate(request('x'), context()));
      expect(error).toMatchObject({ kind: 'account', fatal: true, attempts: 1, code });
      expect(error.message).toMatch(/cannot be billed/);
      expect(messagesLog()).toHaveLength(1);
    });
  }

  it('makes a rejected key a fatal auth error without leaking the key', async () => {
    const strict = await startFakeAnthropic({ validKeys: [['sk', 'ant', 'test-the-right-one'].join('-')] });
    try {
      const p = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: strict.url, models, timeoutMs: 2_000 });
      const error = await failure(p.generate(request('x'), context()));
      expect(error).toMatchObject({ kind: 'auth', status: 401, fatal: true });
      expect(error.message).not.toContain(TEST_KEY);
      // The model lookup met the 401 first: no message was sent.
      expect(strict.log.map((e) => e.path)).toEqual(['/v1/models/claude-haiku-5-5']);
    } finally {
      await strict.close();
    }
  });

  it('makes an unknown model a fatal not_found error naming the model', async () => {
    const error = await failure(provider().generate(request('x', { model: 'claude-imaginary-9' }), context()));
    expect(error).toMatchObject({ kind: 'not_found', fatal: true });
    expect(error.message).toContain('claude-imaginary-9');
    expect(fake.log.map((e) => e.path)).toEqual(['/v1/models/claude-imaginary-9']);
  });

  it('classifies a server-side prompt-too-long 400 as context_overflow', async () => {
    fake.script('/v1/messages', [{ status: 400, message: 'prompt is too long: 300000 tokens > 200000 maximum' }]);
    const error = await failure(provider().generate(request('x'), context()));
    expect(error).toMatchObject({ kind: 'context_overflow', status: 400 });
    fake.script('/v1/messages', [{ status: 400, message: 'messages: roles must alternate' }]);
    expect((await failure(provider().generate(request('x'), context()))).kind).toBe('bad_request');
  });

  it('stops the run after the same 400 to N different requests in a row, with the API message', async () => {
    const p = provider({ stopAfterIdenticalBadRequests: 3 });
    const bad = (text: string) => p.generate(request(text, { maxTokens: 3_000, params: { thinking: { type: 'enabled', budget_tokens: 2_000 } } }), context());
    const first = await failure(bad('q1'));
    const second = await failure(bad('q2'));
    expect([first.fatal, second.fatal]).toEqual([false, false]);
    expect(first).toMatchObject({ kind: 'bad_request', status: 400, attempts: 1 });
    const third = await failure(bad('q3'));
    expect(third).toMatchObject({ kind: 'bad_request', fatal: true });
    expect(third.message).toMatch(/thinking.type: "enabled" is not supported for claude-haiku-5-5/);
    expect(third.message).toMatch(/3 different requests in a row; stopping the run/);
    // A success in between starts the count again.
    const q = provider({ stopAfterIdenticalBadRequests: 2 });
    await failure(q.generate(request('q', { maxTokens: 3_000, params: { thinking: { type: 'enabled', budget_tokens: 2_000 } } }), context()));
    await q.generate(request('fine'), context());
    expect((await failure(q.generate(request('q', { maxTokens: 3_000, params: { thinking: { type: 'enabled', budget_tokens: 2_000 } } }), context()))).fatal).toBe(false);
  });

  it('counts 413 (request too large) answers in the same streak: the same one to N different requests stops the run', async () => {
    const p = provider({ stopAfterIdenticalBadRequests: 3 });
    const tooLarge = { status: 413, type: 'request_too_large', message: 'Request exceeds the maximum allowed number of bytes.' };
    fake.script('/v1/messages', [tooLarge, tooLarge, tooLarge]);
    const answers = [await failure(p.generate(request('a'), context())), await failure(p.generate(request('b'), context()))];
    expect(answers.map((e) => [e.kind, e.status, e.fatal])).toEqual([
      ['bad_request', 413, false],
      ['bad_request', 413, false],
    ]);
    const third = await failure(p.generate(request('c'), context()));
    expect(third).toMatchObject({ kind: 'bad_request', status: 413, fatal: true });
    expect(third.message).toMatch(/3 different requests in a row; stopping the run/);
  });

  it('counts a 400 from count_tokens in the same streak as one from messages', async () => {
    const p = provider({ stopAfterIdenticalBadRequests: 2, countTokens: true });
    const bad = (text: string) => p.generate(request(text, { maxTokens: 3_000, params: { thinking: { type: 'enabled', budget_tokens: 2_000 } } }), context());
    const first = await failure(bad('q1'));
    expect(first).toMatchObject({ kind: 'bad_request', status: 400, attempts: 0, fatal: false });
    const second = await failure(bad('q2'));
    expect(second).toMatchObject({ kind: 'bad_request', status: 400, fatal: true });
    expect(second.message).toMatch(/2 different requests in a row; stopping the run/);
    expect(fake.log.map((e) => e.path).filter((path) => path.startsWith('/v1/messages'))).toEqual(['/v1/messages/count_tokens', '/v1/messages/count_tokens']);
  });

  it('does not stop the run when the 400s are the repeats of one case (the same request sent again)', async () => {
    const p = provider({ stopAfterIdenticalBadRequests: 3 });
    const emptyText = request('unused', { messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] });
    const repeats = [];
    for (let repeat = 0; repeat < 5; repeat++) repeats.push(await failure(p.generate(emptyText, context({ repeat }))));
    expect(repeats.map((e) => [e.kind, e.fatal])).toEqual(Array.from({ length: 5 }, () => ['bad_request', false]));
  });

  it('sends a schema with unsupported keywords through the SDK helper and checks the original schema locally', async () => {
    const schema = { type: 'object', properties: { score: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['score'] };
    const ok = await provider().generate(request('{"score":4}', { outputSchema: schema }), context());
    expect(ok.text).toBe('{"score":4}');
    // The API accepted it (the helper moved minimum/maximum into the description) …
    const error = await failure(provider().generate(request('{"score":9}', { outputSchema: schema }), context()));
    // … but the answer breaks the original schema: a bad_output outcome naming what is wrong.
    expect(error).toMatchObject({ kind: 'bad_output', fatal: false });
    expect(error.message).toMatch(/does not match the output schema .*score.*<= 5/);
    // The answer was given and billed: the error carries it, with its usage and cost.
    expect(error.generation).toMatchObject({ text: '{"score":9}', stopReason: 'end_turn', usage: { inputTokens: expect.any(Number) } });
    expect(error.generation!.costUsd).toBeGreaterThan(0);
    expect(messagesLog().every((e) => e.status === 200)).toBe(true);
  });

  it('throws an InfrastructureError with a hint when no key is configured', () => {
    expect(() => createAnthropicProvider({ baseURL: fake.url, models })).toThrow(InfrastructureError);
    expect(() => createAnthropicProvider({ baseURL: fake.url, models })).toThrow(/ANTHROPIC_API_KEY/);
  });

  it('accepts the key from a function or from ANTHROPIC_API_KEY', async () => {
    await provider({ apiKey: async () => TEST_KEY }).generate(request('fn'), context());
    process.env.ANTHROPIC_API_KEY = TEST_KEY;
    try {
      await createAnthropicProvider({ baseURL: fake.url, models }).generate(request('env'), context());
    } finally {
      delete process.env.ANTHROPIC_API_KEY;
    }
    expect(new Set(fake.log.map((e) => e.headers.authorization ?? e.headers['x-api-key']))).toEqual(new Set([`Bearer ${TEST_KEY}`]));
  });
});

describe('timeouts and the sample deadline (defect 1)', () => {
  const stainlessTimeout = () => messagesLog().map((e) => Number(e.headers['x-stainless-timeout']));

  it('scales the per-attempt timeout with max_tokens like the SDK estimate, and streams what needs more than 10 minutes', async () => {
    await provider({ timeoutMs: 60_000 }).generate(request('small', { maxTokens: 256 }), context());
    await provider({ timeoutMs: 60_000 }).generate(request('large', { maxTokens: 16_000 }), context());
    expect(stainlessTimeout()).toEqual([60, 450]);
    await provider().generate(request('huge', { maxTokens: 30_000 }), context());
    expect(messageBodies().at(-1)).toHaveProperty('stream', true);
  });

  it('keeps queueing off the deadline and starts it when sending, with room for every retry', async () => {
    const { deadline, events, budgets } = recordingDeadline();
    await provider({ timeoutMs: 1_000, maxRetries: 2, maxRetryWaitMs: 5_000, countTokens: true }).generate(request('deadline'), context({ deadline }));
    expect(events).toEqual(['pause', 'start']);
    // Three attempts of at least 1 s (256 tokens need 7.2 s by the SDK's estimate) and two waits.
    expect(budgets[0]).toBeGreaterThanOrEqual(3 * 7_200 + 2 * 5_000);
    // count_tokens ran before the deadline started: it is queueing, not the request.
    expect(fake.log.map((e) => e.path)).toEqual(['/v1/models/claude-haiku-5-5', '/v1/messages/count_tokens', '/v1/messages']);
  });

  it('a first attempt that hangs is retried within the sample instead of failing it', async () => {
    fake.script('/v1/messages', ['hang']);
    const { deadline, budgets } = recordingDeadline();
    const generation = await provider({ timeoutMs: 200, maxRetries: 2 }).generate(request('hang once', { maxTokens: 4 }), context({ deadline }));
    expect(generation.attempts).toBe(2);
    expect(budgets[0]).toBeGreaterThan(3 * 200);
  });
});

describe('guards and model facts (defect 7)', () => {
  it('refuses a prompt whose exact count exceeds the context window, without sending it', async () => {
    const huge = 'x'.repeat(4 * 200_001);
    const error = await failure(provider().generate(request(huge, { model: 'claude-opus-4-5', maxTokens: 1000 }), context()));
    expect(error).toMatchObject({ kind: 'context_overflow', attempts: 0 });
    expect(error.message).toMatch(/2000\d\d input tokens \(count_tokens\), more than the 200000-token context window of claude-opus-4-5/);
    expect(messagesLog()).toHaveLength(0);
  });

  it('counts only prompts near the window, once per distinct prompt (not per repeat)', async () => {
    const p = provider();
    await p.generate(request('short'), context());
    expect(fake.log.filter((e) => e.path === '/v1/messages/count_tokens')).toHaveLength(0);
    const near = 'n'.repeat(4 * 150_000);
    for (let repeat = 0; repeat < 3; repeat++) await p.generate(request(near, { model: 'claude-haiku-4-5' }), context({ repeat }));
    expect(fake.log.filter((e) => e.path === '/v1/messages/count_tokens')).toHaveLength(1);
    expect(messagesLog()).toHaveLength(4);
  });

  it('counts every prompt with countTokens: true, and never with countTokens: false', async () => {
    await provider({ countTokens: true }).generate(request('a'), context());
    expect(fake.log.filter((e) => e.path === '/v1/messages/count_tokens')).toHaveLength(1);
    fake.log.length = 0;
    const huge = 'y'.repeat(4 * 200_001);
    const error = await failure(provider({ countTokens: false }).generate(request(huge, { model: 'claude-sonnet-4-6' }), context()));
    // Not counted: the API itself answers the oversized prompt with a 400.
    expect(error).toMatchObject({ kind: 'context_overflow', status: 400 });
    expect(fake.log.filter((e) => e.path === '/v1/messages/count_tokens')).toHaveLength(0);
  });

  it('enforces maxInputTokensPerRequest as an unsent bad_request', async () => {
    const error = await failure(provider({ maxInputTokensPerRequest: 10 }).generate(request('z'.repeat(400)), context()));
    expect(error).toMatchObject({ kind: 'bad_request', attempts: 0 });
    expect(error.message).toContain('maxInputTokensPerRequest');
    expect(messagesLog()).toHaveLength(0);
  });

  it('refuses max_tokens above what models.retrieve says the model allows, unsent', async () => {
    const error = await failure(provider().generate(request('x', { model: 'claude-haiku-4-5', maxTokens: 100_000 }), context()));
    expect(error).toMatchObject({ kind: 'bad_request', attempts: 0 });
    expect(error.message).toMatch(/max_tokens 100000 is more than claude-haiku-4-5 allows \(64000\)/);
    expect(messagesLog()).toHaveLength(0);
  });

  it('learns an unlisted model from models.retrieve, warns once about a deprecated one, and stops on a retired one', async () => {
    const warnings: string[] = [];
    const listed = await startFakeAnthropic({
      models: {
        'claude-new-1': { maxInputTokens: 1_000, maxTokens: 500 },
        'claude-old-1': { maxInputTokens: 100_000, retiresAt: '2026-12-01', lifecycle: 'deprecated' },
        'claude-gone-1': { maxInputTokens: 100_000, lifecycle: 'retired' },
      },
    });
    try {
      const p = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: listed.url, models, onWarning: (w) => warnings.push(w) });
      const tooBig = await failure(p.generate(request('x', { model: 'claude-new-1', maxTokens: 600 }), context()));
      expect(tooBig.message).toMatch(/allows \(500\)/);
      const overflow = await failure(p.generate(request('w'.repeat(4 * 1_001), { model: 'claude-new-1', maxTokens: 100 }), context()));
      expect(overflow.kind).toBe('context_overflow');
      await p.generate(request('a', { model: 'claude-old-1' }), context());
      await p.generate(request('b', { model: 'claude-old-1' }), context());
      expect(warnings).toEqual(['claude-old-1 is deprecated and retires on 2026-12-01; plan the move to a current model']);
      const gone = await failure(p.generate(request('c', { model: 'claude-gone-1' }), context()));
      expect(gone).toMatchObject({ kind: 'not_found', fatal: true, attempts: 0 });
      expect(listed.log.filter((e) => e.path.startsWith('/v1/models/')).map((e) => e.path)).toEqual([
        '/v1/models/claude-new-1',
        '/v1/models/claude-old-1',
        '/v1/models/claude-gone-1',
      ]);
    } finally {
      await listed.close();
    }
  });

  it('stops a hanging request when the run aborts', async () => {
    fake.script('/v1/messages', ['hang']);
    const controller = new AbortController();
    const pending = provider({ timeoutMs: 30_000 }).generate(request('x'), context({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('run interrupted')), 50);
    await expect(pending).rejects.toThrow('run interrupted');
    await vi.waitFor(() => expect(messagesLog()[0]!.clientAborted).toBe(true));
  });
});

describe('checking models before a run (judge models)', () => {
  it('says which models are priced and what the API knows of them, and stops on an id the API does not know', async () => {
    const { checkAnthropicModels } = await import('../../../src/providers/anthropic/index.js');
    const options = { apiKey: TEST_KEY, baseURL: fake.url, models };
    const checks = await checkAnthropicModels(options, ['claude-sonnet-4-5', 'claude-haiku-5-5', 'claude-sonnet-4-5']);
    expect(checks).toEqual([
      { id: 'claude-haiku-5-5', priced: true, contextWindow: 1_000_000, maxTokens: 128_000, lifecycle: 'active', retiresAt: undefined },
      { id: 'claude-sonnet-4-5', priced: true, contextWindow: 200_000, maxTokens: 64_000, lifecycle: 'deprecated', retiresAt: '2026-11-30T00:00:00Z' },
    ]);
    const unknown = await checkAnthropicModels(options, ['claude-judge-404']).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ kind: 'not_found', fatal: true });
    expect((unknown as Error).message).toContain('claude-judge-404');
  });
});

describe('secrets', () => {
  // Runs last in this file: every error collected above, of every kind, is checked.
  it('no error message or stack produced in this file contains any part of the key', () => {
    expect(errorMessages.length).toBeGreaterThan(10);
    for (const text of errorMessages) {
      expect(text).not.toContain(TEST_KEY);
      expect(text).not.toContain('0123456789abcdef');
    }
  });
});
