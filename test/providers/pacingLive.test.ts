/**
 * Pacing against a fake that enforces its rate limit with 429s. The assertions are on what the
 * limiter decided (its departure times, on its own clock) and on bounds derived from the configured
 * rate and the event-loop delay measured during the test, so a busy machine cannot fail them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnthropicProvider } from '../../src/providers/anthropic/index.js';
import { DEPARTURE_BURST, RateLimiter, type RateLimiterOptions } from '../../src/providers/pacing.js';
import { loadModelTable } from '../../src/providers/pricing.js';
import { startFakeAnthropic, type FakeAnthropic } from '../../src/testing/index.js';
import { clearAnthropicEnv, context, request, TEST_KEY } from './anthropic/helpers.js';

const models = loadModelTable();
let fake: FakeAnthropic | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Largest number of times within any window of `ms` milliseconds. */
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

/** Runs `count` requests through a provider with this limiter, measuring the worst event-loop delay meanwhile. */
async function runAll(options: RateLimiterOptions, count: number) {
  clearAnthropicEnv();
  const departures: number[] = [];
  const limiter = new RateLimiter({ ...options, onDeparture: ({ at }) => departures.push(at) });
  const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake!.url, models, timeoutMs: 5_000, limiter, retrieveModels: false });
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => provider.generate(request(`paced-${i}`), context())));
  loop.disable();
  return { limiter, departures, results, maxLoopDelayMs: loop.max / 1e6 };
}

describe('pacing on the fake server', () => {
  it('paces at the target fraction of a configured limit, so the server sees no 429 unless the machine stalled', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 50 } });
    const count = 80;
    const { departures, results, maxLoopDelayMs } = await runAll({ requestsPerMinute: 50 * 60, targetFraction: 0.8, maxConcurrency: 16 }, count);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    const messages = fake.log.filter((e) => e.path === '/v1/messages');
    const rejected = messages.filter((e) => e.status === 429).length;
    expect(messages).toHaveLength(count + rejected);

    // What the limiter decided, on its own clock: 40/s, never more than the burst allowance at once.
    const spacing = 1000 / 40;
    expect(departures).toHaveLength(count + rejected);
    expect(busiestWindow(departures, 1000)).toBeLessThanOrEqual(40 + DEPARTURE_BURST + 1);
    expect(Math.max(...departures) - Math.min(...departures)).toBeGreaterThanOrEqual((count - 1 - DEPARTURE_BURST) * spacing);

    // What the server saw can only be denser by what a stalled event loop held back and let go together.
    const slack = Math.ceil(maxLoopDelayMs / spacing);
    expect(busiestWindow(messages.map((e) => e.time), 1000)).toBeLessThanOrEqual(40 + DEPARTURE_BURST + 1 + slack);
    // The fake allows 50 a second: 80% pacing leaves room for 8 requests held back by a stall.
    if (40 + DEPARTURE_BURST + 1 + slack <= 50) expect(rejected).toBe(0);
  });

  it('learns the limit of the model family from the response headers when none is configured', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 40 } });
    const { limiter, results, departures, maxLoopDelayMs } = await runAll({ maxConcurrency: 8 }, 60);
    expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(limiter.stats('haiku-5').limitsPerMinute.requests).toBe(40 * 60);
    // After the first answer taught the limit, departures run at 32/s (80% of 40).
    const afterLearning = departures.slice(8);
    expect(busiestWindow(afterLearning, 1000)).toBeLessThanOrEqual(32 + DEPARTURE_BURST + 1);
    const slack = Math.ceil(maxLoopDelayMs / (1000 / 32));
    const rejected = fake.log.filter((e) => e.status === 429).length;
    // Before it is learned, the first 8 go at once (maxConcurrency): below the 40 a second allowed.
    if (8 + 32 + DEPARTURE_BURST + 1 + slack <= 40) expect(rejected).toBe(0);
  });

  it('without pacing, the same kind of load does hit the limit (the test can fail)', async () => {
    fake = await startFakeAnthropic({ latencyMs: 20, rateLimit: { requestsPerSecond: 10 } });
    clearAnthropicEnv();
    const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, timeoutMs: 5_000, maxRetries: 0, retrieveModels: false });
    await Promise.allSettled(Array.from({ length: 60 }, (_, i) => provider.generate(request(`burst-${i}`), context())));
    expect(fake.log.filter((e) => e.status === 429).length).toBeGreaterThan(0);
  });
});

describe('what the limiter is charged (decisions on a stepped clock)', () => {
  function steppingClock() {
    const clock = { t: Date.now(), now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    return clock;
  }

  it('does not charge cache reads to the input-token lane', async () => {
    // Every answer reads 50 000 cached tokens and has 10 uncached ones.
    fake = await startFakeAnthropic({ respond: () => ({ text: 'cached', usage: { input_tokens: 10, cache_read_input_tokens: 50_000 } }) });
    const clock = steppingClock();
    const limiter = new RateLimiter({ inputTokensPerMinute: 60_000, targetFraction: 1, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    const provider = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, limiter, retrieveModels: false });
    const started = clock.t;
    for (let i = 0; i < 3; i++) await provider.generate(request(`c${i}`), context());
    // 1 token a millisecond: charged 50 000 reads, the third request would have waited 100 s.
    expect(clock.t - started).toBeLessThan(1_000);
  });

  it('paces a judge provider in the judge lane of its own model family', async () => {
    fake = await startFakeAnthropic();
    const limiter = new RateLimiter({ maxConcurrency: 1 });
    const generator = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0, family: 'haiku-5' });
    const judge = createAnthropicProvider({ apiKey: TEST_KEY, baseURL: fake.url, models, limiter, lane: 'judge', retrieveModels: false });
    // The generator lane is full; the judge still answers.
    const generation = await judge.generate(request('grade this', { model: 'claude-opus-5-5' }), context());
    expect(generation.text).toBe('echo: grade this');
    expect(limiter.stats().judge.granted).toBe(1);
    expect(limiter.stats('opus-5').limitsPerMinute.requests).toBeGreaterThan(0);
    expect(limiter.stats('haiku-5').limitsPerMinute.requests).toBeUndefined();
    generator.release();
  });
});
