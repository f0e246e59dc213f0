import { describe, expect, it } from 'vitest';
import { DEPARTURE_BURST, RateLimiter, abortableSleep } from '../../src/providers/pacing.js';

const T0 = Date.parse('2026-11-01T00:00:00Z');

/** A clock whose sleepers wake only when the test advances time. */
class ManualClock {
  t = T0;
  private sleepers: { at: number; wake: () => void }[] = [];
  readonly now = (): number => this.t;
  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      const sleeper = { at: this.t + ms, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(signal.reason);
      });
    });
  async advance(ms: number): Promise<void> {
    this.t += ms;
    const due = this.sleepers.filter((s) => s.at <= this.t);
    this.sleepers = this.sleepers.filter((s) => s.at > this.t);
    for (const s of due) s.wake();
    await new Promise((r) => setImmediate(r));
  }
}

/** Acquires `count` permits one after another and returns the clock time of each grant. */
async function grantTimes(limiter: RateLimiter, clock: { t: number }, count: number, need = { inputTokens: 0, maxOutputTokens: 0 }) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const permit = await limiter.acquire(need);
    times.push(clock.t - T0);
    permit.release();
  }
  return times;
}

function steppingClock() {
  const clock = { t: T0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
  return clock;
}

describe('RateLimiter pacing', () => {
  it('spaces requests evenly at the target fraction of the request limit', async () => {
    const clock = steppingClock();
    // 600/min at 0.8 → 480/min → one request every 125 ms, no initial burst.
    const limiter = new RateLimiter({ requestsPerMinute: 600, maxConcurrency: 10, now: clock.now, sleep: clock.sleep });
    expect(await grantTimes(limiter, clock, 5)).toEqual([0, 125, 250, 375, 500]);
  });

  it('paces input tokens by size and lets settle() correct the reservation', async () => {
    const clock = steppingClock();
    // 60 000 tokens/min at target 1 → 1 token per ms.
    const limiter = new RateLimiter({ inputTokensPerMinute: 60_000, targetFraction: 1, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    const first = await limiter.acquire({ inputTokens: 1000, maxOutputTokens: 0 });
    const second = await limiter.acquire({ inputTokens: 1000, maxOutputTokens: 0 });
    expect(clock.t - T0).toBe(1000);
    // The first request really used only 200 tokens: 800 ms of room come back.
    first.settle({ inputTokens: 200, outputTokens: 0 });
    second.settle({ inputTokens: 1000, outputTokens: 0 });
    first.release();
    second.release();
    await limiter.acquire({ inputTokens: 10, maxOutputTokens: 0 });
    expect(clock.t - T0).toBe(1200);
  });

  it('reserves max output tokens against the output limit', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ outputTokensPerMinute: 60_000, targetFraction: 1, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    expect(await grantTimes(limiter, clock, 3, { inputTokens: 5, maxOutputTokens: 500 })).toEqual([0, 500, 1000]);
  });

  it('learns a lower request limit from response headers', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ requestsPerMinute: 6000, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    limiter.observeHeaders({ 'Anthropic-RateLimit-Requests-Limit': '60', 'anthropic-ratelimit-requests-remaining': '59' });
    expect(limiter.stats().limitsPerMinute.requests).toBe(60);
    // 60/min at 0.8 → every 1 250 ms.
    expect(await grantTimes(limiter, clock, 3)).toEqual([0, 1250, 2500]);
  });

  it('learns a limit it was not configured with, and waits until enough has refilled when nothing remains', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    const headers = new Headers({
      'anthropic-ratelimit-input-tokens-limit': '1000000',
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': new Date(T0 + 60_000).toISOString(),
    });
    limiter.observeHeaders(headers);
    expect(limiter.stats().limitsPerMinute.inputTokens).toBe(1_000_000);
    // The API refills continuously (1 000 000 a minute): 2 000 tokens are there after 120 ms, long before the reset.
    await limiter.acquire({ inputTokens: 2_000, maxOutputTokens: 1 });
    expect(clock.t - T0).toBe(120);
  });

  it('waits for the reset when nothing remains and no limit is known', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    limiter.observeHeaders({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': new Date(T0 + 7_000).toISOString() });
    await limiter.acquire({ inputTokens: 1, maxOutputTokens: 1 });
    expect(clock.t - T0).toBe(7_000);
  });

  it('uses what the server says remains when other clients use the same key', async () => {
    const clock = steppingClock();
    // 600/min at 0.8: one every 125 ms by the schedule; the server says nothing remains right now.
    const limiter = new RateLimiter({ requestsPerMinute: 600, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    limiter.observeHeaders({
      'anthropic-ratelimit-requests-limit': '600',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': new Date(T0 + 60_000).toISOString(),
    });
    // One request refills every 100 ms: the first waits 100 ms, the second for the schedule (225) and for two refills (200).
    expect(await grantTimes(limiter, clock, 2)).toEqual([100, 225]);
    // A fresh report with room: the schedule alone decides again.
    limiter.observeHeaders({ 'anthropic-ratelimit-requests-limit': '600', 'anthropic-ratelimit-requests-remaining': '500' });
    expect(await grantTimes(limiter, clock, 1)).toEqual([350]);
  });

  it('keeps one set of lanes per model family: one family\'s headers do not pace another', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    limiter.observeHeaders({ 'anthropic-ratelimit-requests-limit': '60' }, 'opus-4');
    limiter.observeHeaders({ 'anthropic-ratelimit-requests-limit': '6000' }, 'haiku-4');
    expect(limiter.stats('opus-4').limitsPerMinute.requests).toBe(60);
    expect(limiter.stats('haiku-4').limitsPerMinute.requests).toBe(6000);
    expect(limiter.stats().families).toMatchObject({ 'opus-4': { requests: 60 }, 'haiku-4': { requests: 6000 } });
    const times: Record<string, number[]> = { 'opus-4': [], 'haiku-4': [] };
    for (let i = 0; i < 3; i++) {
      for (const family of ['opus-4', 'haiku-4']) {
        const start = clock.t;
        (await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0, family })).release();
        times[family]!.push(clock.t - start);
      }
    }
    // haiku-4 requests never wait behind opus-4's slow pace (their own pace is 12.5 ms).
    expect(times['haiku-4']!.every((wait) => wait <= 12.5)).toBe(true);
    expect(times['opus-4']!.slice(1).every((wait) => wait > 1_000)).toBe(true);
  });

  it('lets the same departure room out at most DEPARTURE_BURST at once after a stall', async () => {
    const clock = new ManualClock();
    const departures: number[] = [];
    const limiter = new RateLimiter({
      requestsPerMinute: 600,
      targetFraction: 1,
      maxConcurrency: 8,
      now: clock.now,
      sleep: clock.sleep,
      onDeparture: ({ at }) => departures.push(at - T0),
    });
    const all = Array.from({ length: 5 }, () => limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }));
    await new Promise((r) => setImmediate(r));
    // The event loop stalls: every booked start (0, 100 … 400) is due at once at 450.
    await clock.advance(450);
    expect(departures).toEqual([0, ...Array<number>(DEPARTURE_BURST).fill(450)]);
    await clock.advance(100);
    await clock.advance(100);
    for (const permit of await Promise.all(all)) permit.release();
    expect(departures).toEqual([0, 450, 450, 550, 650]);
  });

  it('does not pace dimensions without a limit', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    expect(await grantTimes(limiter, clock, 4, { inputTokens: 1e6, maxOutputTokens: 1e6 })).toEqual([0, 0, 0, 0]);
  });

  it('paces SDK retries as extra requests', async () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ requestsPerMinute: 60, targetFraction: 1, maxConcurrency: 4, now: clock.now, sleep: clock.sleep });
    const permit = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 });
    await limiter.paceRetry();
    expect(clock.t - T0).toBe(1000);
    permit.release();
  });
});

describe('RateLimiter concurrency (AIMD)', () => {
  it('queues judge calls apart from generator requests', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 1, judgeConcurrency: 1 });
    const generator = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 });
    let queuedGenerator = false;
    const second = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }).then((p) => ((queuedGenerator = true), p));
    // The generator lane is full, the judge lane is not: a judge call goes at once.
    const judge = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0, lane: 'judge' });
    expect(limiter.stats()).toMatchObject({ inFlight: 1, waiting: 1, judge: { inFlight: 1, waiting: 0 } });
    expect(queuedGenerator).toBe(false);
    // Throttling a judge halves only the judge lane.
    limiter.onThrottled('rate_limit', 'judge');
    judge.release();
    generator.release();
    (await second).release();
    expect(queuedGenerator).toBe(true);
  });

  it('never lets more than maxConcurrency permits out and serves waiters in order', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 2 });
    const a = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 });
    const b = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 });
    const order: string[] = [];
    const c = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }).then((p) => (order.push('c'), p));
    const d = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }).then((p) => (order.push('d'), p));
    await new Promise((r) => setImmediate(r));
    expect(limiter.stats()).toMatchObject({ inFlight: 2, waiting: 2 });
    a.release();
    a.release(); // a second release must not free a second slot
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['c']);
    expect(limiter.stats().inFlight).toBe(2);
    b.release();
    (await c).release();
    (await d).release();
    expect(order).toEqual(['c', 'd']);
    expect(limiter.stats()).toMatchObject({ inFlight: 0, waiting: 0, granted: 4 });
  });

  it('halves the cap on throttling (once per cool-down) and grows it back additively', () => {
    const clock = steppingClock();
    const limiter = new RateLimiter({ maxConcurrency: 16, minConcurrency: 2, now: clock.now, sleep: clock.sleep });
    limiter.onThrottled('rate_limit');
    limiter.onThrottled('overloaded'); // same burst: ignored for the cap, still counted
    expect(limiter.stats().concurrencyCap).toBe(8);
    expect(limiter.stats().throttled).toEqual({ rate_limit: 1, overloaded: 1 });
    for (let i = 0; i < 4; i++) {
      clock.t += 1_000;
      limiter.onThrottled('overloaded');
    }
    expect(limiter.stats().concurrencyCap).toBe(2);
    let successes = 0;
    while (limiter.stats().concurrencyCap < 16) {
      limiter.onSuccess();
      successes += 1;
    }
    // Additive: roughly one step per cap's worth of successes (2+3+…+15 ≈ 119), not one per success.
    expect(successes).toBeGreaterThan(100);
    expect(successes).toBeLessThan(140);
  });

  it('applies a lowered cap to new permits', async () => {
    const limiter = new RateLimiter({ maxConcurrency: 4 });
    limiter.onThrottled('rate_limit');
    const permits = [await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }), await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 })];
    let third = false;
    const pending = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }).then((p) => ((third = true), p));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    permits[0]!.release();
    (await pending).release();
    permits[1]!.release();
    expect(third).toBe(true);
  });

  it('rejects a waiting acquire when its signal aborts and frees its place', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 60, targetFraction: 1, maxConcurrency: 1, now: clock.now, sleep: clock.sleep });
    const first = await limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 });
    const controller = new AbortController();
    const queued = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(queued).rejects.toThrow('cancelled');
    expect(limiter.stats().waiting).toBe(0);
    first.release();
    // Aborting while paced (sleeping) also frees the slot.
    const paced = new AbortController();
    const sleeping = limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }, paced.signal);
    await new Promise((r) => setImmediate(r));
    paced.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(limiter.stats().inFlight).toBe(0);
  });

  it('hands concurrent callers successive paced start times', async () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ requestsPerMinute: 600, targetFraction: 1, maxConcurrency: 8, now: clock.now, sleep: clock.sleep });
    const granted: number[] = [];
    const all = [0, 1, 2].map(() =>
      limiter.acquire({ inputTokens: 0, maxOutputTokens: 0 }).then((p) => {
        granted.push(clock.t - T0);
        return p;
      }),
    );
    await new Promise((r) => setImmediate(r));
    await clock.advance(100);
    await clock.advance(100);
    for (const p of await Promise.all(all)) p.release();
    expect(granted).toEqual([0, 100, 200]);
  });
});

describe('abortableSleep', () => {
  it('sleeps through a wait longer than one Node timer holds (a batch poll, a long pacing wait), instead of waking after 1 ms', async () => {
    const stop = new AbortController();
    const sleeping = abortableSleep(2 ** 31, stop.signal).then(
      () => 'woke',
      () => 'stopped',
    );
    // Node orders timers by when they fall due: a sleep armed as 1 ms would come first.
    const later = new Promise<string>((resolve) => setTimeout(() => resolve('a 50 ms timer'), 50));
    expect(await Promise.race([sleeping, later])).toBe('a 50 ms timer');
    stop.abort(new Error('test over'));
    expect(await sleeping).toBe('stopped');
  });
});
