/**
 * A few hundred requests through the real SDK against the fake server with faults mixed in at
 * random (seeded): every sample ends exactly once, as a Generation or a classified ProviderError,
 * with an attempt count that matches what the server saw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../../src/providers/anthropic/index.js';
import { RateLimiter } from '../../../src/providers/pacing.js';
import { loadModelTable } from '../../../src/providers/pricing.js';
import { ProviderError, type Generation } from '../../../src/providers/types.js';
import { startFakeAnthropic, type FakeAnthropic, type RequestLogEntry } from '../../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './helpers.js';

const SAMPLES = 300;

/** What the last attempt's fault must have become, for a sample that ended in an error. */
const KIND_OF_FINAL_OUTCOME: Record<string, string> = {
  'status:429': 'rate_limit',
  'status:529': 'overloaded',
  'status:500': 'provider_error',
  'midstream-error': 'overloaded',
  hang: 'timeout',
  drop: 'connection',
  'drop-mid-body': 'connection',
  malformed: 'provider_error',
};
const COMPLETE = new Set(['ok', 'refusal', 'max_tokens']);

let fake: FakeAnthropic;
const outcomes = new Map<number, { generation?: Generation; error?: ProviderError; settled: number }>();

beforeAll(async () => {
  clearAnthropicEnv();
  // Generous family limits: this test is about faults, pacingLive.test.ts about limits.
  const generous = { requestsPerMinute: 1e7, inputTokensPerMinute: 1e9, outputTokensPerMinute: 1e9 };
  fake = await startFakeAnthropic({ latencyMs: 2, rateLimits: { 'haiku-5': generous } });
  fake.faultsAtRandom(20261101, {
    rate_limit: 0.06,
    overloaded: 0.06,
    server_error: 0.05,
    hang: 0.02,
    drop: 0.04,
    'drop-mid-body': 0.04,
    malformed: 0.03,
    'midstream-error': 0.05,
    refusal: 0.04,
    max_tokens: 0.04,
  });
  const models = loadModelTable();
  const limiter = new RateLimiter({ maxConcurrency: 48 });
  // The attempt timeout ends the hangs; it is long enough that a busy machine never lets an answer
  // the server finished writing time out on the client (the log could not tell that apart).
  // max_tokens 40 keeps it at this floor (the SDK's estimate for 40 tokens is ~1.1 s).
  const common = { apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 5_000, maxRetries: 2, limiter, retrieveModels: false };
  const providers = [createAnthropicProvider(common), createAnthropicProvider({ ...common, stream: true })];
  await Promise.all(
    Array.from({ length: SAMPLES }, async (_, i) => {
      const outcome = { settled: 0 } as { generation?: Generation; error?: ProviderError; settled: number };
      outcomes.set(i, outcome);
      try {
        outcome.generation = await providers[i % 2]!.generate(request(`sample-${i}`, { maxTokens: 40 }), context({ caseId: `c${i}` }));
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        outcome.error = error;
      }
      outcome.settled += 1;
    }),
  );
}, 120_000);

afterAll(async () => {
  await fake.close();
});

function logOf(i: number): RequestLogEntry[] {
  return fake.log.filter((e) => (e.body as { messages?: { content: string }[] }).messages?.[0]?.content === `sample-${i}`);
}

describe('fault matrix over the real SDK', () => {
  it('settles every sample exactly once', () => {
    expect(outcomes.size).toBe(SAMPLES);
    for (const outcome of outcomes.values()) {
      expect(outcome.settled).toBe(1);
      expect(Boolean(outcome.generation) !== Boolean(outcome.error)).toBe(true);
    }
  });

  it('exercised every kind of fault, and both successes and failures', () => {
    const seen = new Set(fake.log.map((e) => e.outcome));
    for (const name of ['ok', 'status:429', 'status:529', 'status:500', 'hang', 'drop', 'drop-mid-body', 'malformed', 'midstream-error', 'refusal', 'max_tokens']) {
      expect(seen, name).toContain(name);
    }
    const failures = [...outcomes.values()].filter((o) => o.error).length;
    expect(failures).toBeGreaterThan(5);
    expect(failures).toBeLessThan(SAMPLES / 2);
  });

  it('records attempts that match the server log, with nothing lost or duplicated', () => {
    let attemptsTotal = 0;
    for (const [i, outcome] of outcomes) {
      const entries = logOf(i);
      const attempts = outcome.generation?.attempts ?? outcome.error?.attempts;
      expect(attempts, `sample ${i}`).toBe(entries.length);
      expect(entries.length).toBeLessThanOrEqual(3);
      attemptsTotal += entries.length;
      // An answer the server wrote after the client had timed out never reached the client.
      const complete = entries.filter((e) => COMPLETE.has(e.outcome ?? '') && !e.clientAborted);
      if (outcome.generation) {
        // Exactly one answer reached the client, and it was the last attempt.
        expect(complete, `sample ${i}: ${JSON.stringify(entries.map((e) => [e.outcome, e.status, e.time]))} attempts ${attempts}`).toHaveLength(1);
        expect(entries.at(-1)).toBe(complete[0]);
      } else {
        expect(complete).toHaveLength(0);
      }
    }
    expect(attemptsTotal).toBe(fake.log.length);
  });

  it('classifies each failure by what the last attempt met', () => {
    for (const [i, outcome] of outcomes) {
      if (!outcome.error) continue;
      const last = logOf(i).at(-1)!;
      expect(outcome.error.kind, `sample ${i} ended with ${last.outcome}`).toBe(KIND_OF_FINAL_OUTCOME[last.outcome ?? '']);
    }
  });

  it('puts the key in no error message', () => {
    for (const outcome of outcomes.values()) {
      if (outcome.error) expect(`${outcome.error.message}\n${outcome.error.stack}`).not.toContain(TEST_KEY);
    }
  });

  it('returns refusals and truncations as generations with the right stop reason', () => {
    for (const [i, outcome] of outcomes) {
      if (!outcome.generation) continue;
      const last = logOf(i).at(-1)!;
      const expected = last.outcome === 'ok' ? 'end_turn' : last.outcome;
      expect(outcome.generation.stopReason).toBe(expected);
      if (expected === 'end_turn') expect(outcome.generation.text).toBe(`echo: sample-${i}`);
    }
  });
});
