/** sampleBudgetMs: the least a sample's deadline allows, so the provider's own retries are not cut off. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_STREAM_IDLE_TIMEOUT_MS, sampleBudgetMs } from '../../../src/providers/anthropic/client.js';
import { expectedGenerationMs } from '../../../src/providers/streaming.js';

describe('sampleBudgetMs', () => {
  const options = { timeoutMs: 1_000, maxRetries: 2, maxRetryWaitMs: 8_000 };
  // Three attempts and two waits of at most 8 s between them, plus a second of slack.
  const budget = (perAttemptMs: number) => 3 * perAttemptMs + 2 * 8_000 + 1_000;

  it('gives a streamed attempt at least the idle limit, so a stream that stalls on every attempt is retried before the deadline ends it', () => {
    const streamed = 1_000 + expectedGenerationMs(1_000);
    expect(sampleBudgetMs(1_000, true, { ...options, streamIdleTimeoutMs: 600_000 })).toBe(budget(600_000));
    // An idle limit shorter than the attempt's own timeout and generation time changes nothing.
    expect(sampleBudgetMs(1_000, true, { ...options, streamIdleTimeoutMs: 10 })).toBe(budget(streamed));
    // Without one, the default (90 s) is the limit.
    expect(sampleBudgetMs(1_000, true, options)).toBe(budget(Math.max(streamed, DEFAULT_STREAM_IDLE_TIMEOUT_MS)));
  });

  it('leaves a request that is not streamed alone: the idle limit watches only streams', () => {
    expect(sampleBudgetMs(1_000, false, { ...options, streamIdleTimeoutMs: 600_000 })).toBe(sampleBudgetMs(1_000, false, options));
  });
});
