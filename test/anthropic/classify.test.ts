import { describe, expect, it } from 'vitest';
import { acceptsSamplingParams, buildMessageParams, classifyAnthropicError, redactSecrets } from '../../src/providers/anthropic/index.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { ProviderError } from '../../src/providers/types.js';
import { TEST_KEY } from './helpers.js';

/** Shapes as the SDK builds them: status, type, apiMessage, the parsed body in `error`. */
function apiError(status: number | undefined, type: string | null, message: string, name = 'APIError') {
  return Object.assign(new Error(`${status ?? ''} ${message}`), {
    name,
    status,
    type,
    apiMessage: message,
    error: { type: 'error', error: { type, message } },
  });
}

describe('classifyAnthropicError', () => {
  const cases: [string, unknown, string, boolean][] = [
    ['429', apiError(429, 'rate_limit_error', 'slow down', 'RateLimitError'), 'rate_limit', false],
    ['529', apiError(529, 'overloaded_error', 'Overloaded', 'OverloadedError'), 'overloaded', false],
    ['mid-stream overload (no status)', apiError(undefined, 'overloaded_error', 'Overloaded'), 'overloaded', false],
    ['timeout', Object.assign(new Error('Request timed out.'), { name: 'APIConnectionTimeoutError' }), 'timeout', false],
    ['connection', Object.assign(new Error('Connection error.'), { name: 'APIConnectionError' }), 'connection', false],
    ['401', apiError(401, 'authentication_error', 'invalid x-api-key', 'AuthenticationError'), 'auth', true],
    ['403', apiError(403, 'permission_error', 'no access', 'PermissionDeniedError'), 'auth', true],
    ['404', apiError(404, 'not_found_error', 'model: claude-x', 'NotFoundError'), 'not_found', true],
    ['400 too long', apiError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'), 'context_overflow', false],
    ['400 other', apiError(400, 'invalid_request_error', 'max_tokens: must be positive'), 'bad_request', false],
    ['500', apiError(500, 'api_error', 'Internal server error', 'InternalServerError'), 'provider_error', false],
    ['malformed body', new SyntaxError('Unexpected end of JSON input'), 'provider_error', false],
    ['anything else', 'a string', 'provider_error', false],
  ];
  for (const [label, error, kind, fatal] of cases) {
    it(`${label} → ${kind}`, () => {
      const classified = classifyAnthropicError(error, { model: 'claude-x', attempts: 2 });
      expect(classified).toBeInstanceOf(ProviderError);
      expect(classified.kind).toBe(kind);
      expect(classified.fatal).toBe(fatal);
      expect(classified.attempts).toBe(2);
    });
  }

  it('names the model in a not-found message and keeps a ProviderError as is', () => {
    expect(classifyAnthropicError(apiError(404, 'not_found_error', 'model: claude-x'), { model: 'claude-x' }).message).toMatch(/model "claude-x"/);
    const original = new ProviderError('budget', 'spent');
    expect(classifyAnthropicError(original)).toBe(original);
  });

  it('never repeats the key, even when the server echoes it', () => {
    const echoed = apiError(401, 'authentication_error', `invalid key ${TEST_KEY}`);
    expect(classifyAnthropicError(echoed, { secrets: [TEST_KEY] }).message).not.toContain(TEST_KEY);
    expect(classifyAnthropicError(echoed).message).not.toContain('0123456789abcdef');
    expect(redactSecrets(`a sk-ant-api03-XYZ_abc-123 b`)).toBe('a sk-ant-[redacted] b');
  });
});

describe('sampling parameters', () => {
  const table = loadModelTable();

  it('follows the table, and the id rule for unlisted models', () => {
    expect(acceptsSamplingParams('claude-opus-5-5', table.get('claude-opus-5-5'))).toBe(false);
    expect(acceptsSamplingParams('claude-opus-4-6', table.get('claude-opus-4-6'))).toBe(true);
    expect(acceptsSamplingParams('claude-sonnet-5')).toBe(false);
    expect(acceptsSamplingParams('claude-mythos-5-2')).toBe(false);
    expect(acceptsSamplingParams('claude-opus-4-7')).toBe(false);
    expect(acceptsSamplingParams('claude-sonnet-4-6')).toBe(true);
    expect(acceptsSamplingParams('claude-haiku-4-5-20251001')).toBe(true);
    expect(acceptsSamplingParams('some-other-model')).toBe(true);
  });

  it('maps params without touching fields the request already expresses', () => {
    const { body, droppedParams } = buildMessageParams(
      {
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'q' }],
        maxTokens: 10,
        params: { temperature: 0.3, top_k: 5, max_tokens: 999, effort: 'high', service_tier: 'auto' },
      },
      table.get('claude-sonnet-4-6'),
    );
    expect(body).toEqual({
      model: 'claude-sonnet-4-6',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'q' }],
      temperature: 0.3,
      top_k: 5,
      service_tier: 'auto',
      output_config: { effort: 'high' },
    });
    expect(droppedParams).toEqual([]);
  });
});
