/**
 * The fake's rate limits: one set of token buckets per model family (requests, input tokens,
 * output tokens per minute), refilled continuously as the API's are. Input tokens are charged
 * without cache reads (cache-aware ITPM); cache writes count. Every Messages response carries the
 * family's `anthropic-ratelimit-*` headers; a request that does not fit gets a 429 with
 * `retry-after` and nothing is charged.
 */
import type { FamilyLimits } from './fakeModels.js';

class Bucket {
  private level: number;
  private updatedAt: number;

  constructor(
    readonly limitPerMinute: number,
    now: number,
  ) {
    this.level = limitPerMinute;
    this.updatedAt = now;
  }

  private refill(now: number): void {
    this.level = Math.min(this.limitPerMinute, this.level + ((now - this.updatedAt) * this.limitPerMinute) / 60_000);
    this.updatedAt = now;
  }

  /** Milliseconds until `amount` fits (0 when it fits now). */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    if (amount <= this.level) return 0;
    return Math.ceil(((amount - this.level) * 60_000) / this.limitPerMinute);
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  remaining(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.level));
  }

  /** When the bucket will be full again (RFC 3339), as the `-reset` headers say. */
  resetAt(now: number): string {
    this.refill(now);
    const missing = this.limitPerMinute - this.level;
    return new Date(now + Math.ceil((missing * 60_000) / this.limitPerMinute)).toISOString();
  }
}

interface FamilyBuckets {
  requests: Bucket;
  inputTokens: Bucket;
  outputTokens: Bucket;
}

export interface TokenCharge {
  /** Input tokens that count against ITPM: uncached input plus cache writes (not cache reads). */
  inputTokens: number;
  outputTokens: number;
}

export interface Admission {
  ok: boolean;
  /** Which limit was exceeded and how long until the request fits. */
  limit?: 'requests' | 'input tokens' | 'output tokens';
  retryAfterMs?: number;
}

export class FamilyRateLimits {
  private readonly families = new Map<string, FamilyBuckets>();

  constructor(private readonly limitsOf: (family: string) => FamilyLimits) {}

  private buckets(family: string, now: number): FamilyBuckets {
    let found = this.families.get(family);
    if (!found) {
      const limits = this.limitsOf(family);
      found = {
        requests: new Bucket(limits.requestsPerMinute, now),
        inputTokens: new Bucket(limits.inputTokensPerMinute, now),
        outputTokens: new Bucket(limits.outputTokensPerMinute, now),
      };
      this.families.set(family, found);
    }
    return found;
  }

  /** Admits and charges the request, or says which limit it would exceed (then nothing is charged). */
  admit(family: string, charge: TokenCharge, now: number): Admission {
    const b = this.buckets(family, now);
    const checks: [Admission['limit'], Bucket, number][] = [
      ['requests', b.requests, 1],
      ['input tokens', b.inputTokens, charge.inputTokens],
      ['output tokens', b.outputTokens, charge.outputTokens],
    ];
    for (const [limit, bucket, amount] of checks) {
      // A request larger than a whole minute's allowance is admitted once the bucket is full.
      const wait = bucket.waitFor(Math.min(amount, bucket.limitPerMinute), now);
      if (wait > 0) return { ok: false, limit, retryAfterMs: wait };
    }
    for (const [, bucket, amount] of checks) bucket.take(amount, now);
    return { ok: true };
  }

  headers(family: string, now: number): Record<string, string> {
    const b = this.buckets(family, now);
    const headers: Record<string, string> = {};
    const lanes: [string, Bucket][] = [
      ['requests', b.requests],
      ['input-tokens', b.inputTokens],
      ['output-tokens', b.outputTokens],
    ];
    for (const [name, bucket] of lanes) {
      headers[`anthropic-ratelimit-${name}-limit`] = String(bucket.limitPerMinute);
      headers[`anthropic-ratelimit-${name}-remaining`] = String(bucket.remaining(now));
      headers[`anthropic-ratelimit-${name}-reset`] = bucket.resetAt(now);
    }
    // `tokens-*` states the most restrictive token limit in effect: the one with the least room left.
    const tightest = b.inputTokens.remaining(now) / b.inputTokens.limitPerMinute <= b.outputTokens.remaining(now) / b.outputTokens.limitPerMinute ? b.inputTokens : b.outputTokens;
    headers['anthropic-ratelimit-tokens-limit'] = String(tightest.limitPerMinute);
    headers['anthropic-ratelimit-tokens-remaining'] = String(tightest.remaining(now));
    headers['anthropic-ratelimit-tokens-reset'] = tightest.resetAt(now);
    return headers;
  }
}
