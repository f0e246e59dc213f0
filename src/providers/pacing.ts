/**
 * Client-side pacing shared by every call of a run.
 *
 * Three mechanisms work together:
 * - **Rate pacing per model family.** The API pools rate limits per model family (`haiku-5`,
 *   `opus-4` …), so each family has its own lanes: requests, input tokens and output tokens per
 *   minute. A lane hands out start times spaced `cost × 60 000 / (target × limit)` ms apart, so
 *   traffic flows evenly at `target` (80 %) of the limit instead of bursting up to it and learning
 *   the limit from 429s. Limits come from the options and from the family's own
 *   `anthropic-ratelimit-*` headers (whichever is lower). Output tokens are reserved at
 *   `maxOutputTokens` and corrected by `settle` once the real usage is known; input tokens are
 *   settled without cache reads, which the API does not count against the input-token limit.
 * - **The server's view.** Each response's `-remaining` and `-reset` say what is left right now
 *   (other clients on the same key included). The API refills its buckets continuously, so a
 *   request that does not fit in what remains starts once enough has refilled, not at the reset.
 * - **Adaptive concurrency (AIMD), per lane.** Generators and judges queue apart (a judge call is
 *   never stuck behind a queue of generator requests); each lane caps requests in flight, halves
 *   the cap on a 429/529 (at most once per cool-down) and grows it back by one per cap's worth of
 *   successes. Judges and generators of the same family still share that family's rate pool: the
 *   API counts them together.
 *
 * Start times are checked again when a waiter wakes: a busy event loop that wakes several waiters
 * late never lets their requests out closer together than the paced spacing.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { MAX_TIMER_MS } from '../nodeTimers.js';

export interface RateLimiterOptions {
  /** Per-family limits (every family gets these unless its headers say lower). */
  requestsPerMinute?: number;
  inputTokensPerMinute?: number;
  outputTokensPerMinute?: number;
  /** Fraction of each limit to pace at. Default 0.8. */
  targetFraction?: number;
  /** Cap on generator requests in flight. */
  maxConcurrency: number;
  /** Cap on judge requests in flight. Default: maxConcurrency. */
  judgeConcurrency?: number;
  /** The AIMD floor. Default 1. */
  minConcurrency?: number;
  /** Epoch milliseconds; injectable for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Minimum time between two multiplicative decreases. Default 1 000 ms. */
  decreaseCooldownMs?: number;
  /** Called when a request (or an SDK retry) is let out, with the limiter's clock: for observability and tests. */
  onDeparture?: (departure: { family: string; at: number }) => void;
}

/** Which queue a request waits in: generator requests and judge calls are queued apart. */
export type PacingLane = 'generator' | 'judge';

export interface PermitNeed {
  inputTokens: number;
  maxOutputTokens: number;
  /** The model's rate-limit family (`familyOf` in pricing.ts); one shared pool when absent. */
  family?: string;
  lane?: PacingLane;
}

export interface ActualUsage {
  /** Input tokens that count against the input-token limit: uncached input plus cache writes. */
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

type LaneName = 'requests' | 'inputTokens' | 'outputTokens';

export interface RateLimiterStats {
  /** Generator lane. */
  inFlight: number;
  waiting: number;
  concurrencyCap: number;
  granted: number;
  judge: { inFlight: number; waiting: number; concurrencyCap: number; granted: number };
  throttled: Record<ThrottleKind, number>;
  /** Effective per-minute limits (the lower of configured and learned) of the family asked for. */
  limitsPerMinute: Partial<Record<LaneName, number>>;
  /** The same, for every family seen so far. */
  families: Record<string, Partial<Record<LaneName, number>>>;
}

const LANES: readonly LaneName[] = ['requests', 'inputTokens', 'outputTokens'];

const HEADER_PREFIX: Record<LaneName, string> = {
  requests: 'anthropic-ratelimit-requests-',
  inputTokens: 'anthropic-ratelimit-input-tokens-',
  outputTokens: 'anthropic-ratelimit-output-tokens-',
};

/** The pool used for requests that name no family. */
const SHARED_POOL = '';
/** Requests that may leave back to back after a stall, beyond the paced spacing. */
export const DEPARTURE_BURST = 2;

/** One limited dimension of one family: a configured and/or learned limit, the schedule, and the server's last report. */
class PaceLane {
  learnedPerMinute: number | undefined;
  /** Next paced start time (the schedule). */
  nextFreeAt = Number.NEGATIVE_INFINITY;
  /**
   * A small token bucket over the times requests really leave, refilled at the paced rate: waiters
   * woken late by a busy event loop cannot leave together (at most BURST at once), and timer
   * lateness does not lower the sustained rate (unused room accumulates up to BURST).
   */
  departures = { room: DEPARTURE_BURST, at: Number.NEGATIVE_INFINITY };
  /** The server's last report: what remained, when, and when the bucket is full again. */
  reported: { remaining: number; at: number; resetAt: number | undefined } | undefined;
  /** Units booked since that report (the server had not counted them yet). */
  bookedSinceReport = 0;

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

  /** When a request of `cost` fits in what the server said remains, refilled at the limit's rate since. */
  serverEarliest(cost: number): number {
    const report = this.reported;
    if (!report || cost <= 0) return Number.NEGATIVE_INFINITY;
    const missing = cost + this.bookedSinceReport - report.remaining;
    if (missing <= 0) return Number.NEGATIVE_INFINITY;
    const limit = this.limitPerMinute();
    if (limit && limit > 0) return report.at + (missing * 60_000) / limit;
    return report.resetAt ?? Number.NEGATIVE_INFINITY;
  }
}

type FamilyPool = Record<LaneName, PaceLane>;

interface Waiter {
  grant(): void;
}

/** A concurrency lane: a cap (AIMD), requests in flight and a FIFO of waiters. */
class ConcurrencyLane {
  cap: number;
  inFlight = 0;
  granted = 0;
  lastDecreaseAt = Number.NEGATIVE_INFINITY;
  readonly queue: Waiter[] = [];

  constructor(
    readonly max: number,
    readonly min: number,
  ) {
    this.cap = max;
  }

  hasFreeSlot(): boolean {
    return this.inFlight < Math.floor(this.cap);
  }

  grantWaiting(): void {
    while (this.queue.length > 0 && this.hasFreeSlot()) this.queue.shift()!.grant();
  }
}

/**
 * Sleeps; when aborted, rejects with the signal's own reason (not a generic AbortError). A wait
 * longer than one Node timer holds (which would fire after 1 ms) is slept in several.
 */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  const options = signal ? { signal } : undefined;
  try {
    let left = ms;
    do {
      const step = Math.min(left, MAX_TIMER_MS);
      await delay(step, undefined, options);
      left -= step;
    } while (left > 0);
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
  private readonly pools = new Map<string, FamilyPool>();
  private readonly concurrency: Record<PacingLane, ConcurrencyLane>;
  private readonly targetFraction: number;
  private readonly decreaseCooldownMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly throttled: Record<ThrottleKind, number> = { rate_limit: 0, overloaded: 0 };

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.maxConcurrency >= 1)) throw new RangeError('maxConcurrency must be at least 1');
    if (options.judgeConcurrency !== undefined && !(options.judgeConcurrency >= 1)) throw new RangeError('judgeConcurrency must be at least 1');
    this.targetFraction = options.targetFraction ?? 0.8;
    if (!(this.targetFraction > 0 && this.targetFraction <= 1)) throw new RangeError('targetFraction must be in (0, 1]');
    const lane = (max: number) => {
      const floored = Math.floor(max);
      return new ConcurrencyLane(floored, Math.max(1, Math.min(options.minConcurrency ?? 1, floored)));
    };
    this.concurrency = { generator: lane(options.maxConcurrency), judge: lane(options.judgeConcurrency ?? options.maxConcurrency) };
    this.decreaseCooldownMs = options.decreaseCooldownMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  private pool(family: string | undefined): FamilyPool {
    const key = family ?? SHARED_POOL;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = {
        requests: new PaceLane(this.options.requestsPerMinute),
        inputTokens: new PaceLane(this.options.inputTokensPerMinute),
        outputTokens: new PaceLane(this.options.outputTokensPerMinute),
      };
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Wait for a concurrency slot in the request's lane and for its family's paced start time. */
  async acquire(need: PermitNeed, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) throw abortReason(signal);
    const lane = this.concurrency[need.lane ?? 'generator'];
    await this.takeSlot(lane, signal);
    const pool = this.pool(need.family);
    const reserved: Record<LaneName, number> = { requests: 1, inputTokens: need.inputTokens, outputTokens: need.maxOutputTokens };
    try {
      await this.waitUntil(pool, this.reserve(pool, reserved), signal);
      this.options.onDeparture?.({ family: need.family ?? SHARED_POOL, at: this.now() });
    } catch (error) {
      this.releaseSlot(lane);
      throw error;
    }
    lane.granted += 1;
    let released = false;
    let settled = false;
    return {
      settle: (actual) => {
        if (settled) return;
        settled = true;
        this.correct(pool.inputTokens, actual.inputTokens - reserved.inputTokens);
        this.correct(pool.outputTokens, actual.outputTokens - reserved.outputTokens);
      },
      release: () => {
        if (released) return;
        released = true;
        this.releaseSlot(lane);
      },
    };
  }

  /** Pace one more HTTP attempt of a request that already holds a permit (an SDK retry). */
  async paceRetry(signal?: AbortSignal, family?: string): Promise<void> {
    const pool = this.pool(family);
    await this.waitUntil(pool, this.reserve(pool, { requests: 1 }), signal);
    this.options.onDeparture?.({ family: family ?? SHARED_POOL, at: this.now() });
  }

  /** Learn limits and the server's current standing from a response's `anthropic-ratelimit-*` headers. */
  observeHeaders(headers: Headers | Record<string, string>, family?: string): void {
    const pool = this.pool(family);
    const now = this.now();
    for (const name of LANES) {
      const lane = pool[name];
      const prefix = HEADER_PREFIX[name];
      const limit = Number(readHeader(headers, `${prefix}limit`));
      if (Number.isFinite(limit) && limit > 0) lane.learnedPerMinute = limit;
      const remaining = Number(readHeader(headers, `${prefix}remaining`) ?? Number.NaN);
      if (!Number.isFinite(remaining)) continue;
      const reset = Date.parse(readHeader(headers, `${prefix}reset`) ?? '');
      lane.reported = { remaining: Math.max(0, remaining), at: now, resetAt: Number.isFinite(reset) ? reset : undefined };
      lane.bookedSinceReport = 0;
    }
  }

  /** A 429 or 529 was seen: halve the lane's concurrency cap (once per cool-down). */
  onThrottled(kind: ThrottleKind, laneName: PacingLane = 'generator'): void {
    this.throttled[kind] += 1;
    const lane = this.concurrency[laneName];
    const now = this.now();
    if (now - lane.lastDecreaseAt < this.decreaseCooldownMs) return;
    lane.lastDecreaseAt = now;
    lane.cap = Math.max(lane.min, lane.cap / 2);
  }

  /** A request succeeded: grow the lane's cap by one per cap's worth of successes, up to its maximum. */
  onSuccess(laneName: PacingLane = 'generator'): void {
    const lane = this.concurrency[laneName];
    if (lane.cap >= lane.max) return;
    lane.cap = Math.min(lane.max, lane.cap + 1 / lane.cap);
    lane.grantWaiting();
  }

  stats(family?: string): RateLimiterStats {
    const limitsOf = (pool: FamilyPool) => {
      const limits: Partial<Record<LaneName, number>> = {};
      for (const name of LANES) {
        const limit = pool[name].limitPerMinute();
        if (limit !== undefined) limits[name] = limit;
      }
      return limits;
    };
    const families: Record<string, Partial<Record<LaneName, number>>> = {};
    for (const [key, pool] of this.pools) families[key] = limitsOf(pool);
    const { generator, judge } = this.concurrency;
    return {
      inFlight: generator.inFlight,
      waiting: generator.queue.length,
      concurrencyCap: Math.floor(generator.cap),
      granted: generator.granted,
      judge: { inFlight: judge.inFlight, waiting: judge.queue.length, concurrencyCap: Math.floor(judge.cap), granted: judge.granted },
      throttled: { ...this.throttled },
      limitsPerMinute: limitsOf(this.pool(family)),
      families,
    };
  }

  private takeSlot(lane: ConcurrencyLane, signal: AbortSignal | undefined): Promise<void> {
    if (lane.queue.length === 0 && lane.hasFreeSlot()) {
      lane.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = lane.queue.indexOf(waiter);
        if (index >= 0) lane.queue.splice(index, 1);
        reject(abortReason(signal!));
      };
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          lane.inFlight += 1;
          resolve();
        },
      };
      lane.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private releaseSlot(lane: ConcurrencyLane): void {
    lane.inFlight -= 1;
    lane.grantWaiting();
  }

  /**
   * Book the earliest start time at which every lane of the family has room for `costs` (by the
   * schedule and by the server's last report), and move each lane's schedule past this request.
   * Booking is synchronous, so concurrent callers queue up.
   */
  private reserve(pool: FamilyPool, costs: Partial<Record<LaneName, number>>): number {
    let start = this.now();
    for (const [name, cost] of Object.entries(costs) as [LaneName, number][]) {
      const lane = pool[name];
      if (lane.msPerUnit(this.targetFraction) !== undefined) start = Math.max(start, lane.nextFreeAt);
      start = Math.max(start, lane.serverEarliest(cost));
    }
    for (const [name, cost] of Object.entries(costs) as [LaneName, number][]) {
      const lane = pool[name];
      const msPerUnit = lane.msPerUnit(this.targetFraction);
      if (msPerUnit !== undefined) lane.nextFreeAt = start + cost * msPerUnit;
      if (lane.reported) lane.bookedSinceReport += cost;
    }
    return start;
  }

  private correct(lane: PaceLane, deltaUnits: number): void {
    const msPerUnit = lane.msPerUnit(this.targetFraction);
    if (msPerUnit !== undefined && deltaUnits !== 0) lane.nextFreeAt += deltaUnits * msPerUnit;
    if (lane.reported && deltaUnits !== 0) lane.bookedSinceReport = Math.max(0, lane.bookedSinceReport + deltaUnits);
  }

  /**
   * Sleep until the booked start, then until the family's departures bucket has room: a waiter
   * woken late (a busy event loop) does not leave in a burst with the others woken late.
   */
  private async waitUntil(pool: FamilyPool, start: number, signal: AbortSignal | undefined): Promise<void> {
    const wait = start - this.now();
    if (wait > 0) await this.sleep(wait, signal);
    const spacing = pool.requests.msPerUnit(this.targetFraction);
    if (spacing !== undefined) {
      const departures = pool.requests.departures;
      for (;;) {
        const now = this.now();
        departures.room = Math.min(DEPARTURE_BURST, departures.room + (now - departures.at) / spacing);
        departures.at = now;
        if (departures.room >= 1) break;
        await this.sleep((1 - departures.room) * spacing, signal);
      }
      departures.room -= 1;
    }
    if (signal?.aborted) throw abortReason(signal);
  }
}
