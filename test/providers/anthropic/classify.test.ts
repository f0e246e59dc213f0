import { describe, expect, it } from 'vitest';
import { acceptsSamplingParams, buildMessageParams, classifyAnthropicError, redactSecrets } from '../../../src/providers/anthropic/index.js';
import { loadModelTable } from '../../../src/providers/pricing.js';
import { ProviderError } from '../../../src/providers/types.js';
import { TEST_KEY } from './helpers.js';

/** Shapes as the SDK builds them: status, type, apiMessage, errorCode, the parsed body in `error`. */
function apiError(status: number | undefined, type: string | null, message: string, name = 'APIError', errorCode: string | null = null, headers?: Headers) {
  return Object.assign(new Error(`${status ?? ''} ${message}`), {
    name,
    status,
    type,
    apiMessage: message,
    errorCode,
    requestID: headers?.get('request-id') ?? null,
    headers,
    error: { type: 'error', error: { type, message, ...(errorCode ? { details: { error_code: errorCode } } : {}) } },
  });
}

const terminated = () => Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

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
    ['malformed body that says "Unterminated"', new SyntaxError('Unterminated string in JSON at position 58'), 'provider_error', false],
    ['a body cut mid-stream (undici: terminated)', terminated(), 'connection', false],
    ['connection error wrapping a cut body', Object.assign(new Error('Connection error.'), { name: 'APIConnectionError', cause: terminated() }), 'connection', false],
    ['spend limit 429', apiError(429, 'rate_limit_error', 'limit', 'EnforcedSpendLimitReachedError', 'enforced_spend_limit_reached'), 'account', true],
    ['contract spend limit 429', apiError(429, 'rate_limit_error', 'limit', 'ContractSpendLimitReachedError', 'contract_spend_limit_reached'), 'account', true],
    ['ramp limit 429 (transient)', apiError(429, 'rate_limit_error', 'ramp', 'RampLimitExceededError', 'ramp_limit_exceeded'), 'rate_limit', false],
    ['402 billing', apiError(402, 'billing_error', 'credit balance too low', 'PaymentRequiredError'), 'account', true],
    ['400 organization on hold', apiError(400, 'invalid_request_error', 'on hold', 'OrganizationOnHoldError', 'organization_on_hold'), 'account', true],
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

  it('keeps the error code and request id, and says when a retry-after was longer than the run waits', () => {
    const headers = new Headers({ 'retry-after': '86400', 'request-id': 'req_123' });
    const classified = classifyAnthropicError(apiError(429, 'rate_limit_error', 'slow down', 'RateLimitError', null, headers), { maxRetryWaitMs: 60_000, attempts: 1 });
    expect(classified).toMatchObject({ kind: 'rate_limit', retryAfterMs: 86_400_000, requestId: 'req_123', fatal: false });
    expect(classified.message).toMatch(/asked to wait 86400 s before retrying, longer than this run waits/);
    const account = classifyAnthropicError(apiError(429, 'rate_limit_error', 'limit', 'EnforcedSpendLimitReachedError', 'enforced_spend_limit_reached', headers));
    expect(account).toMatchObject({ code: 'enforced_spend_limit_reached', requestId: 'req_123' });
  });

  it('names the model in a not-found message and keeps a ProviderError as is', () => {
    expect(classifyAnthropicError(apiError(404, 'not_found_error', 'model: claude-x'), { model: 'claude-x' }).message).toMatch(/model "claude-x"/);
    const original = new ProviderError('budget', 'spent');
    expect(classifyAnthropicError(original)).toBe(original);
  });

  it('never repeats the key, even when the server echoes it', () => {
    const echoed = apiError(401, 'authentication_error', `invalid key ${TEST_KEY}`);
    expect(classifyAnthropicError(echoed, { secrets: [TEST_KEY] }).message).not.toContain(TEST_KEY);
    expect(classifyAnthropicError(echoed).message).not.toContain('0123456789abcdef');
    expect(redactSecrets(`a ${['sk', 'ant', 'api03-XYZ_abc-123'].join('-')} b`)).toBe('a sk-ant-[redacted] b');
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

  it('sends temperature without top_p to the models that take only one of them (4.5 and newer, Opus 4.1), both to older ones', () => {
    const both = (model: string) => buildMessageParams({ model, messages: [{ role: 'user', content: 'q' }], maxTokens: 10, params: { temperature: 0.3, top_p: 0.9 } }, table.get(model));
    for (const model of ['claude-sonnet-4-5', 'claude-haiku-4-5-20251001', 'claude-opus-4-6', 'claude-opus-4-1']) {
      expect(both(model), model).toMatchObject({ body: { temperature: 0.3 }, droppedParams: ['top_p'] });
      expect(both(model).body, model).not.toHaveProperty('top_p');
    }
    for (const model of ['claude-sonnet-4-20250514', 'claude-opus-4-0', 'claude-3-7-sonnet-20250219']) {
      expect(both(model), model).toMatchObject({ body: { temperature: 0.3, top_p: 0.9 }, droppedParams: [] });
    }
  });

  it('maps params without touching fields the request already expresses, and reports those as dropped', () => {
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
    expect(droppedParams).toEqual(['max_tokens']);
  });

  it('reports params.output_config.format as dropped when the request\'s own output schema is sent', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const request = { model: 'claude-sonnet-4-6', messages: [{ role: 'user' as const, content: 'q' }], maxTokens: 10, outputSchema: schema };
    const { body, droppedParams } = buildMessageParams({ ...request, params: { output_config: { effort: 'low', format: { type: 'json_schema', schema: { type: 'string' } } } } }, table.get('claude-sonnet-4-6'));
    expect(body.output_config).toEqual({ effort: 'low', format: { type: 'json_schema', schema } });
    expect(droppedParams).toEqual(['output_config.format']);
  });
});
