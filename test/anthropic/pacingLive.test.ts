/** Pacing against a fake that enforces its rate limit with 429s: the limiter must never hit it. */
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { RateLimiter } from '../../src/providers/pacing.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic | undefined;

afterEach(async () => {
  await fake?.close();
});

/** Largest number of arrivals within any window of `ms` milliseconds. */
function busiestWindow(times: number[], ms: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= ms) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

async function runAll(limiter: RateLimiter, count: number): Promise<number> {
  clearAnthropicEnv();
  const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake!.url, models, timeoutMs: 5_000, limiter });
  const started = performance.now();
  await Promise.all(Array.from({ length: count }, (_, i) => provider.generate(request(`paced-${i}`), context())));
  return performance.now() - started;
}

describe('pacing on the fake server', () => {
  it('paces at the target fraction of a configured limit with zero 429s', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 50 } });
    const limiter = new RateLimiter({ requestsPerMinute: 50 * 60, targetFraction: 0.8, maxConcurrency: 16 });
    const count = 80;
    const elapsed = await runAll(limiter, count);
    const messages = fake.log.filter((e) => e.path === '/v1/messages');
    expect(messages.filter((e) => e.status === 429)).toHaveLength(0);
    expect(messages).toHaveLength(count);
    expect(busiestWindow(messages.map((e) => e.time), 1000)).toBeLessThanOrEqual(45);
    // 80 requests at 40/s: the first starts at once, the last about 79/40 s later.
    const rate = (count - 1) / ((messages.at(-1)!.time - messages[0]!.time) / 1000);
    expect(rate).toBeGreaterThan(40 * 0.9);
    expect(rate).toBeLessThan(40 * 1.1);
    expect(elapsed).toBeGreaterThan(1_800);
  });

  it('learns the limit from the response headers when none is configured', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 40 } });
    const limiter = new RateLimiter({ maxConcurrency: 8 });
    await runAll(limiter, 60);
    const messages = fake.log.filter((e) => e.path === '/v1/messages');
    expect(messages.filter((e) => e.status === 429)).toHaveLength(0);
    expect(limiter.stats().limitsPerMinute.requests).toBe(40 * 60);
  });

  it('without pacing, the same load does hit the limit (the test can fail)', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 20 } });
    clearAnthropicEnv();
    const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 5_000, maxRetries: 0 });
    await Promise.allSettled(Array.from({ length: 40 }, (_, i) => provider.generate(request(`burst-${i}`), context())));
    expect(fake.log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
  });
});
