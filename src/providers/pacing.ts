/**
 * Client-side pacing shared by every call of a run (samples and judge calls alike).
 *
 * Two mechanisms work together:
 * - **Rate pacing.** Each limited dimension (requests, input tokens, output tokens, all tokens) is a
 *   lane that hands out start times spaced `cost × 60 000 / (target × limit)` ms apart, so traffic
 *   flows evenly at `target` (80 %) of the limit instead of bursting up to it and learning the
 *   limit from 429s. Limits come from the options and from `anthropic-ratelimit-*` headers
 *   (whichever is lower); output tokens are reserved at `maxOutputTokens` and corrected by
 *   `settle` once the real usage is known.
 * - **Adaptive concurrency (AIMD).** A cap on requests in flight, halved on a 429/529 (at most once
 *   per cool-down, so one burst of errors counts once) and grown back by one per cap's worth of
 *   successes.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface RateLimiterOptions {
  requestsPerMinute?: number;
  inputTokensPerMinute?: number;
  outputTokensPerMinute?: number;
  /** Fraction of each limit to pace at. Default 0.8. */
  targetFraction?: number;
  maxConcurrency: number;
  /** The AIMD floor. Default 1. */
  minConcurrency?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Minimum time between two multiplicative decreases. Default 1 000 ms. */
  decreaseCooldownMs?: number;
}

export interface PermitNeed {
  inputTokens: number;
  maxOutputTokens: number;
}

export interface ActualUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface Permit {
  /** Replace the reservation made at acquire time with the tokens the response really used. */
  settle(actual: ActualUsage): void;
  /** Give the concurrency slot back. Safe to call more than once. */
  release(): void;
}

export type ThrottleKind = 'rate_limit' | 'overloaded';

export interface RateLimiterStats {
  inFlight: number;
  waiting: number;
  concurrencyCap: number;
  granted: number;
  throttled: Record<ThrottleKind, number>;
  /** Effective per-minute limits (the lower of configured and learned), by dimension. */
  limitsPerMinute: Partial<Record<LaneName, number>>;
}

type LaneName = 'requests' | 'inputTokens' | 'outputTokens' | 'tokens';

const HEADER_PREFIX: Record<LaneName, string> = {
  requests: 'anthropic-ratelimit-requests-',
  inputTokens: 'anthropic-ratelimit-input-tokens-',
  outputTokens: 'anthropic-ratelimit-output-tokens-',
  tokens: 'anthropic-ratelimit-tokens-',
};

/** One limited dimension: a configured and/or learned limit and the next free start time. */
class PaceLane {
  learnedPerMinute: number | undefined;
  nextFreeAt = Number.NEGATIVE_INFINITY;
  /** Set when the server reported nothing remaining: no start before the reset. */
  blockedUntil = Number.NEGATIVE_INFINITY;

  constructor(readonly configuredPerMinute: number | undefined) {}

  limitPerMinute(): number | undefined {
    const { configuredPerMinute: configured, learnedPerMinute: learned } = this;
    if (configured === undefined) return learned;
    if (learned === undefined) return configured;
    return Math.min(configured, learned);
  }

  msPerUnit(targetFraction: number): number | undefined {
    const limit = this.limitPerMinute();
    return limit && limit > 0 ? 60_000 / (limit * targetFraction) : undefined;
  }

  earliestStart(): number {
    return Math.max(this.nextFreeAt, this.blockedUntil);
  }
}

interface Waiter {
  grant(): void;
}

/** Sleeps; when aborted, rejects with the signal's own reason (not a generic AbortError). */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw signal?.aborted ? abortReason(signal) : error;
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

function readHeader(headers: Headers | Record<string, string>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

export class RateLimiter {
  private readonly lanes: Record<LaneName, PaceLane>;
  private readonly targetFraction: number;
  private readonly maxConcurrency: number;
  private readonly minConcurrency: number;
  private readonly decreaseCooldownMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private cap: number;
  private inFlight = 0;
  private granted = 0;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private readonly throttled: Record<ThrottleKind, number> = { rate_limit: 0, overloaded: 0 };

  constructor(options: RateLimiterOptions) {
    if (!(options.maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be at least 1');
    this.targetFraction = options.targetFraction ?? 0.8;
    if (!(this.targetFraction > 0 && this.targetFraction <= 1)) throw new RangeError('targetFraction must be in (0, 1]');
    this.maxConcurrency = Math.floor(options.maxConcurrency);
    this.minConcurrency = Math.max(1, Math.min(options.minConcurrency ?? 1, this.maxConcurrency));
    this.decreaseCooldownMs = options.decreaseCooldownMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
    this.cap = this.maxConcurrency;
    this.lanes = {
      requests: new PaceLane(options.requestsPerMinute),
      inputTokens: new PaceLane(options.inputTokensPerMinute),
      outputTokens: new PaceLane(options.outputTokensPerMinute),
      tokens: new PaceLane(undefined),
    };
  }

  /** Wait for a concurrency slot and for the paced start time of a request of this size. */
  async acquire(need: PermitNeed, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) throw abortReason(signal);
    await this.takeSlot(signal);
    const reserved = { inputTokens: need.inputTokens, outputTokens: need.maxOutputTokens };
    try {
      await this.waitUntil(this.reserve({ requests: 1, ...reserved, tokens: reserved.inputTokens + reserved.outputTokens }), signal);
    } catch (error) {
      this.releaseSlot();
      throw error;
    }
    this.granted += 1;
    let released = false;
    let settled = false;
    return {
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.correct('inputTokens', actual.inputTokens - reserved.inputTokens);
        this.correct('outputTokens', actual.outputTokens - reserved.outputTokens);
        this.correct('tokens', actual.inputTokens + actual.outputTokens - reserved.inputTokens - reserved.outputTokens);
      },
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot();
      },
    };
  }

  /** Pace one more HTTP attempt of a request that already holds a permit (an SDK retry). */
  async paceRetry(signal?: AbortSignal): Promise<void> {
    await this.waitUntil(this.reserve({ requests: 1 }), signal);
  }

  /** Learn limits from the `anthropic-ratelimit-*` headers of any response. */
  observeHeaders(headers: Headers | Record<string, string>): void {
    for (const name of Object.keys(this.lanes) as LaneName[]) {
      const lane = this.lanes[name];
      const prefix = HEADER_PREFIX[name];
      const limit = Number(readHeader(headers, `${prefix}limit`));
      if (Number.isFinite(limit) && limit > 0) lane.learnedPerMinute = limit;
      const remaining = Number(readHeader(headers, `${prefix}remaining`) ?? Number.NaN);
      const reset = Date.parse(readHeader(headers, `${prefix}reset`) ?? '');
      if (Number.isFinite(remaining) && remaining <= 0 && Number.isFinite(reset)) {
        lane.blockedUntil = Math.max(lane.blockedUntil, reset);
      }
    }
  }

  /** A 429 or 529 was seen: halve the concurrency cap (once per cool-down). */
  onThrottled(kind: ThrottleKind): void {
    this.throttled[kind] += 1;
    const now = this.now();
    if (now - this.lastDecreaseAt < this.decreaseCooldownMs) return;
    this.lastDecreaseAt = now;
    this.cap = Math.max(this.minConcurrency, this.cap / 2);
  }

  /** A request succeeded: grow the cap by one per cap's worth of successes, up to the maximum. */
  onSuccess(): void {
    if (this.cap >= this.maxConcurrency) return;
    this.cap = Math.min(this.maxConcurrency, this.cap + 1 / this.cap);
    this.grantWaiting();
  }

  stats(): RateLimiterStats {
    const limitsPerMinute: Partial<Record<LaneName, number>> = {};
    for (const name of Object.keys(this.lanes) as LaneName[]) {
      const limit = this.lanes[name].limitPerMinute();
      if (limit !== undefined) limitsPerMinute[name] = limit;
    }
    return {
      inFlight: this.inFlight,
      waiting: this.queue.length,
      concurrencyCap: Math.floor(this.cap),
      granted: this.granted,
      throttled: { ...this.throttled },
      limitsPerMinute,
    };
  }

  private hasFreeSlot(): boolean {
    return this.inFlight < Math.floor(this.cap);
  }

  private takeSlot(signal: AbortSignal | undefined): Promise<void> {
    if (this.queue.length === 0 && this.hasFreeSlot()) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.inFlight += 1;
          resolve();
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaseSlot(): void {
    this.inFlight -= 1;
    this.grantWaiting();
  }

  private grantWaiting(): void {
    while (this.queue.length > 0 && this.hasFreeSlot()) this.queue.shift()!.grant();
  }

  /**
   * Book the earliest start time at which every lane has room for `costs`, and move each lane's
   * next free time past this request. Booking is synchronous, so concurrent callers queue up.
   */
  private reserve(costs: Partial<Record<LaneName, number>>): number {
    let start = this.now();
    for (const name of Object.keys(costs) as LaneName[]) {
      const lane = this.lanes[name];
      if (lane.msPerUnit(this.targetFraction) !== undefined) start = Math.max(start, lane.earliestStart());
    }
    for (const [name, cost] of Object.entries(costs) as [LaneName, number][]) {
      const msPerUnit = this.lanes[name].msPerUnit(this.targetFraction);
      if (msPerUnit !== undefined) this.lanes[name].nextFreeAt = start + cost * msPerUnit;
    }
    return start;
  }

  private correct(name: LaneName, deltaUnits: number): void {
    const msPerUnit = this.lanes[name].msPerUnit(this.targetFraction);
    if (msPerUnit !== undefined && deltaUnits !== 0) this.lanes[name].nextFreeAt += deltaUnits * msPerUnit;
  }

  private async waitUntil(start: number, signal: AbortSignal | undefined): Promise<void> {
    const wait = start - this.now();
    if (wait > 0) await this.sleep(wait, signal);
    if (signal?.aborted) throw abortReason(signal);
  }
}
