import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InfrastructureError } from '../../src/errors.js';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { ProviderError, type Provider } from '../../src/providers/types.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic;
const errorMessages: string[] = [];

function provider(overrides: Partial<Parameters<typeof createAnthropicProvider>[0]> = {}): Provider {
  return createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 2_000, maxRetries: 2, ...overrides });
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

function messageBodies(): Record<string, unknown>[] {
  return fake.log.filter((e) => e.path === '/v1/messages').map((e) => e.body as Record<string, unknown>);
}

beforeAll(async () => {
  clearAnthropicEnv();
  fake = await startFakeAnthropic();
});
afterEach(() => {
  fake.log.length = 0;
});
afterAll(async () => {
  await fake.close();
});

describe('request mapping', () => {
  it('sends system, messages, stop sequences, effort, thinking and the output schema', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    await provider().generate(
      request('hi', {
        system: 'Be brief.',
        stopSequences: ['END'],
        params: { effort: 'low', thinking: { type: 'disabled' } },
        outputSchema: schema,
      }),
      context(),
    );
    const [body] = messageBodies();
    expect(body).toMatchObject({
      model: 'claude-haiku-5-5',
      max_tokens: 256,
      system: 'Be brief.',
      messages: [{ role: 'user', content: 'hi' }],
      stop_sequences: ['END'],
      thinking: { type: 'disabled' },
      output_config: { effort: 'low', format: { type: 'json_schema', schema } },
    });
  });

  it('drops temperature/top_p for models that reject them and reports it', async () => {
    const generation = await provider().generate(request('hi', { params: { temperature: 0, top_p: 0.9, mystery_flag: true } }), context());
    expect(generation.droppedParams).toEqual(['mystery_flag', 'temperature', 'top_p']);
    expect(messageBodies()[0]).not.toHaveProperty('temperature');
    expect(messageBodies()[0]).not.toHaveProperty('mystery_flag');
  });

  it('keeps temperature for older models that accept it', async () => {
    const generation = await provider().generate(request('hi', { model: 'claude-sonnet-4-5', params: { temperature: 0 } }), context());
    expect(generation.droppedParams).toBeUndefined();
    expect(messageBodies()[0]).toHaveProperty('temperature', 0);
  });
});

describe('generations', () => {
  it('joins text, maps usage, prices it and records latency, attempts and the raw body', async () => {
    const generation = await provider().generate(request('hello there'), context());
    expect(generation.text).toBe('echo: hello there');
    expect(generation.stopReason).toBe('end_turn');
    expect(generation.usage).toMatchObject({ inputTokens: 3, outputTokens: 5, serviceTier: 'standard' });
    expect(generation.costUsd).toBeCloseTo((3 * 0.1 + 5 * 0.5) / 1e6, 15);
    expect(generation.attempts).toBe(1);
    expect(generation.latencyMs).toBeGreaterThan(0);
    expect(generation.model).toBe('claude-haiku-5-5');
    expect(JSON.stringify(generation.raw)).not.toContain(TEST_KEY);
  });

  it('returns a refusal as a Generation with its category', async () => {
    fake.script('/v1/messages', [{ refusal: 'bio' }]);
    const generation = await provider().generate(request('something'), context());
    expect(generation.stopReason).toBe('refusal');
    expect(generation.stopDetails).toMatchObject({ type: 'refusal', category: 'bio' });
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

  it('streams and assembles the same answer as the JSON response', async () => {
    const generation = await provider({ stream: true }).generate(request('stream this please, it is a longer text'), context());
    expect(generation.text).toBe('echo: stream this please, it is a longer text');
    expect(generation.usage?.outputTokens).toBeGreaterThan(0);
  });

  it('counts attempts across SDK retries of 429, 529, 500 and a dropped connection', async () => {
    // The drop comes first: without a retry-after header the SDK backs off exponentially.
    fake.script('/v1/messages', ['drop', { status: 429, retryAfterMs: 5 }, { status: 529 }, { status: 500 }]);
    const generation = await provider({ maxRetries: 4 }).generate(request('retry me'), context());
    expect(generation.attempts).toBe(5);
    expect(fake.log.map((e) => e.outcome)).toEqual(['drop', 'status:429', 'status:529', 'status:500', 'ok']);
    // The private attempt header never reaches the server.
    expect(fake.log.every((e) => !('x-promptgold-attempt-key' in e.headers))).toBe(true);
  });
});

describe('errors', () => {
  it('classifies an exhausted 429 as rate_limit with the attempt count', async () => {
    fake.script('/v1/messages', [{ status: 429, retryAfterMs: 1 }, { status: 429, retryAfterMs: 1 }]);
    const error = await failure(provider({ maxRetries: 1 }).generate(request('x'), context()));
    expect(error).toMatchObject({ kind: 'rate_limit', status: 429, attempts: 2, fatal: false });
  });

  it('classifies a mid-stream overload by its type', async () => {
    fake.script('/v1/messages', ['midstream-error']);
    const error = await failure(provider({ stream: true }).generate(request('stream then fail'), context()));
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBeUndefined();
    expect(error.attempts).toBe(1);
  });

  it('classifies a malformed body as provider_error', async () => {
    fake.script('/v1/messages', ['malformed']);
    const error = await failure(provider().generate(request('x'), context()));
    expect(error.kind).toBe('provider_error');
    expect(error.message).toMatch(/malformed/);
  });

  it('classifies a hang as timeout after the SDK retried it', async () => {
    fake.script('/v1/messages', ['hang', 'hang']);
    const error = await failure(provider({ timeoutMs: 150, maxRetries: 1 }).generate(request('x'), context()));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
  });

  it('makes a rejected key a fatal auth error without leaking the key', async () => {
    const strict = await startFakeAnthropic({ validKeys: ['sk-ant-test-the-right-one'] });
    try {
      const p = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: strict.url, models, timeoutMs: 2_000 });
      const error = await failure(p.generate(request('x'), context()));
      expect(error).toMatchObject({ kind: 'auth', status: 401, fatal: true, attempts: 1 });
      expect(error.message).not.toContain(TEST_KEY);
      expect(strict.log).toHaveLength(1);
    } finally {
      await strict.close();
    }
  });

  it('makes an unknown model a fatal not_found error naming the model', async () => {
    const error = await failure(provider().generate(request('x', { model: 'claude-imaginary-9' }), context()));
    expect(error).toMatchObject({ kind: 'not_found', fatal: true });
    expect(error.message).toContain('claude-imaginary-9');
    // The context-window lookup asked the models endpoint once and sent nothing else.
    expect(fake.log.map((e) => e.path)).toEqual(['/v1/models/claude-imaginary-9']);
  });

  it('classifies a server-side prompt-too-long 400 as context_overflow', async () => {
    fake.script('/v1/messages', [{ status: 400, message: 'prompt is too long: 300000 tokens > 200000 maximum' }]);
    const error = await failure(provider().generate(request('x'), context()));
    expect(error).toMatchObject({ kind: 'context_overflow', status: 400 });
    fake.script('/v1/messages', [{ status: 400, message: 'messages: roles must alternate' }]);
    expect((await failure(provider().generate(request('x'), context()))).kind).toBe('bad_request');
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
    expect(fake.log.map((e) => e.headers.authorization ?? e.headers['x-api-key'])).toEqual([`Bearer ${TEST_KEY}`, `Bearer ${TEST_KEY}`]);
  });
});

describe('guards', () => {
  it('refuses a prompt that cannot fit the context window without sending anything', async () => {
    const huge = 'x'.repeat(4 * 200_000);
    const error = await failure(provider().generate(request(huge, { model: 'claude-opus-4-5', maxTokens: 1000 }), context()));
    expect(error).toMatchObject({ kind: 'context_overflow', attempts: 0 });
    expect(error.message).toMatch(/200000-token context window of claude-opus-4-5/);
    expect(fake.log).toHaveLength(0);
  });

  it('counts the window against input plus max_tokens', async () => {
    const fits = 'x'.repeat(4 * 190_000);
    await expect(provider().generate(request(fits, { model: 'claude-opus-4-5', maxTokens: 20_000 }), context())).rejects.toMatchObject({
      kind: 'context_overflow',
    });
    expect(fake.log).toHaveLength(0);
  });

  it('uses count_tokens when asked, and still sends nothing on overflow', async () => {
    const huge = 'y'.repeat(4 * 200_001);
    await expect(provider({ countTokens: true }).generate(request(huge, { model: 'claude-sonnet-4-6' }), context())).rejects.toMatchObject({
      kind: 'context_overflow',
    });
    expect(fake.log.map((e) => e.path)).toEqual(['/v1/messages/count_tokens']);
  });

  it('enforces maxInputTokensPerRequest as an unsent bad_request', async () => {
    const error = await failure(provider({ maxInputTokensPerRequest: 10 }).generate(request('z'.repeat(400)), context()));
    expect(error).toMatchObject({ kind: 'bad_request', attempts: 0 });
    expect(error.message).toContain('maxInputTokensPerRequest');
    expect(fake.log).toHaveLength(0);
  });

  it('stops a hanging request when the run aborts', async () => {
    fake.script('/v1/messages', ['hang']);
    const controller = new AbortController();
    const pending = provider({ timeoutMs: 30_000 }).generate(request('x'), context({ signal: controller.signal }));
    setTimeout(() => controller.abort(new Error('run interrupted')), 50);
    const started = performance.now();
    await expect(pending).rejects.toThrow('run interrupted');
    expect(performance.now() - started).toBeLessThan(2_000);
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
