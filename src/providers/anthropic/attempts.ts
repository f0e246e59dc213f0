/**
 * A `fetch` wrapper that sits under the SDK's own retry loop. It counts the HTTP attempts of each
 * logical request (keyed by a private header that is stripped before sending), feeds every
 * response's rate-limit headers and every 429/529 to the limiter, and paces retries.
 */
import type { RateLimiter } from '../pacing.js';

export const ATTEMPT_KEY_HEADER = 'x-promptgold-attempt-key';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export class AttemptCounter {
  private readonly counts = new Map<string, number>();
  private nextKey = 0;

  /** Starts counting a new logical request; pass the returned key in ATTEMPT_KEY_HEADER. */
  begin(): string {
    this.nextKey += 1;
    const key = String(this.nextKey);
    this.counts.set(key, 0);
    return key;
  }

  /** Stops counting and returns how many attempts were sent. */
  end(key: string): number {
    const count = this.counts.get(key) ?? 0;
    this.counts.delete(key);
    return count;
  }

  /** Records one attempt; returns its 1-based number, or undefined for an unknown key. */
  record(key: string): number | undefined {
    const count = this.counts.get(key);
    if (count === undefined) return undefined;
    this.counts.set(key, count + 1);
    return count + 1;
  }
}

export function countingFetch(base: FetchFunction, counter: AttemptCounter, limiter: RateLimiter | undefined): FetchFunction {
  return async (input, init = {}) => {
    // The SDK hands over a fresh Headers object per attempt; reuse it rather than copy it.
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    const key = headers.get(ATTEMPT_KEY_HEADER);
    let attempt: number | undefined;
    if (key !== null) {
      headers.delete(ATTEMPT_KEY_HEADER);
      attempt = counter.record(key);
    }
    // The first attempt was paced by acquire(); SDK retries take a request slot of their own.
    if (limiter && attempt !== undefined && attempt > 1) await limiter.paceRetry(init.signal ?? undefined);
    init.headers = headers;
    const response = await base(input, init);
    if (limiter) {
      limiter.observeHeaders(response.headers);
      if (response.status === 429) limiter.onThrottled('rate_limit');
      else if (response.status === 529) limiter.onThrottled('overloaded');
    }
    return response;
  };
}
