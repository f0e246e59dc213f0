import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { TEST_KEY } from './helpers.js';

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ rateLimit: { requestsPerSecond: 5 } });
});
afterAll(() => fake.close());

const body = { model: 'claude-haiku-5-5', max_tokens: 50, messages: [{ role: 'user', content: 'a fairly long question to stream' }] };

function post(path: string, payload: unknown, headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}` }) {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(payload) });
}

describe('fake Messages API', () => {
  it('listens on 127.0.0.1 and rejects a request without a key', async () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await post('/v1/messages', body, {});
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('accepts x-api-key, sends rate-limit headers and logs the request', async () => {
    const response = await post('/v1/messages', body, { 'x-api-key': TEST_KEY });
    expect(response.status).toBe(200);
    for (const kind of ['requests', 'tokens', 'input-tokens', 'output-tokens']) {
      for (const part of ['limit', 'remaining', 'reset']) expect(response.headers.get(`anthropic-ratelimit-${kind}-${part}`)).not.toBeNull();
    }
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBe('300');
    const entry = fake.log.at(-1)!;
    expect(entry).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200, outcome: 'ok', body });
    expect(entry.headers['x-api-key']).toBe(TEST_KEY);
  });

  it('streams SSE records in the API order, each with an event line', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const response = await post('/v1/messages', { ...body, stream: true });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const records = (await response.text()).trim().split('\n\n');
    const events = records.map((r) => /^event: (.+)$/m.exec(r)?.[1]);
    expect(events[0]).toBe('message_start');
    expect(events[1]).toBe('content_block_start');
    expect(events.at(-3)).toBe('content_block_stop');
    expect(events.at(-2)).toBe('message_delta');
    expect(events.at(-1)).toBe('message_stop');
    const deltas = events.slice(2, -3);
    expect(deltas.length).toBeGreaterThan(1);
    expect(new Set(deltas)).toEqual(new Set(['content_block_delta']));
    expect(records.every((r) => /^data: /m.test(r))).toBe(true);
  });

  it('ends a scripted mid-stream error with an overloaded_error event after some deltas', async () => {
    fake.script('/v1/messages', ['midstream-error']);
    const text = await (await post('/v1/messages', { ...body, stream: true })).text();
    expect(text).toContain('event: content_block_delta');
    expect(text.trim().split('\n\n').at(-1)).toMatch(/^event: error\ndata: .*overloaded_error/);
  });

  it('enforces its request rate with 429 and retry-after-ms', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 7; i++) {
      const response = await post('/v1/messages/count_tokens', body);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after-ms');
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(1000);
  });

  it('counts tokens and describes known models; unknown models are 404', async () => {
    await new Promise((r) => setTimeout(r, 1000));
    const counted = await (await post('/v1/messages/count_tokens', body)).json();
    expect(counted).toEqual({ input_tokens: Math.ceil('\na fairly long question to stream'.length / 4) });
    const model = await fetch(`${fake.url}/v1/models/claude-sonnet-4-5`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(await model.json()).toMatchObject({ id: 'claude-sonnet-4-5', max_input_tokens: 200_000, retires_at: '2026-11-30' });
    const missing = await fetch(`${fake.url}/v1/models/claude-nope`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(missing.status).toBe(404);
  });

  it('draws the same random faults for the same seed', async () => {
    // Use a dedicated server per seed through its own URL.
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
