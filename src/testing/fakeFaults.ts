/** Faults the fake Messages API can inject, scripted in order or drawn from a seeded PRNG. */
import { createRng } from '../stats/random.js';

export interface StatusFault {
  status: number;
  type?: string;
  message?: string;
  /** Sent as `retry-after-ms` (default 20 ms) unless `retryAfterSeconds` is given. */
  retryAfterMs?: number;
  /** Sent as `retry-after` (seconds) instead of `retry-after-ms`, as the API does for long waits. */
  retryAfterSeconds?: number;
  /** `error.details.error_code`, e.g. `enforced_spend_limit_reached`, `organization_on_hold`. */
  errorCode?: string;
  /** Sent as `x-should-retry`, which the SDK obeys before anything else. */
  shouldRetry?: boolean;
}

export type Fault =
  /**
   * An error status (429 rate_limit_error, 529 overloaded_error, 500 api_error, 400 …) with
   * `retry-after-ms` (default 20 ms) and an optional error type, message, error code and
   * `x-should-retry`.
   */
  | StatusFault
  /** Never answer (the client's timeout fires). */
  | 'hang'
  /** Destroy the socket without answering. */
  | 'drop'
  /** HTTP 200 and the first part of the body (JSON or SSE), then the socket is destroyed. */
  | 'drop-mid-body'
  /**
   * HTTP 200 and the first part of the body, then a clean end of the response (as a proxy that
   * gives up does): a stream without its `message_delta` and `message_stop`, or a JSON body cut short.
   */
  | 'end-mid-body'
  /**
   * HTTP 200 and the start of the body (a stream's `message_start` and a ping, or the first half of
   * a JSON body), then nothing more while the connection stays open: a stalled answer.
   */
  | 'stall'
  /** HTTP 200 with a body that is not valid JSON. */
  | 'malformed'
  /** A stream that sends a few deltas and then an `overloaded_error` error event. */
  | 'midstream-error'
  /** The same with an `api_error` event (what a 500 is once a stream has started). */
  | 'midstream-api-error'
  /**
   * HTTP 200, `stop_reason: refusal` with this category: no answer, or with `afterText` the first
   * half of it, as when the API's streaming classifiers stop an answer already under way.
   */
  | { refusal: string; afterText?: boolean }
  /** HTTP 200, answer cut off with `stop_reason: max_tokens`. */
  | 'max_tokens';

export type FaultName =
  | 'rate_limit'
  | 'overloaded'
  | 'server_error'
  | 'hang'
  | 'drop'
  | 'drop-mid-body'
  | 'end-mid-body'
  | 'stall'
  | 'malformed'
  | 'midstream-error'
  | 'midstream-api-error'
  | 'refusal'
  | 'max_tokens'
  | 'spend_limit'
  | 'billing'
  | 'organization_on_hold';

/** Probability of each fault per request; the rest answer normally. */
export type FaultRates = Partial<Record<FaultName, number>>;

export function faultFromName(name: FaultName): Fault {
  switch (name) {
    case 'rate_limit':
      return { status: 429 };
    case 'overloaded':
      return { status: 529 };
    case 'server_error':
      return { status: 500 };
    case 'refusal':
      return { refusal: 'cyber' };
    case 'spend_limit':
      return spendLimitFault();
    case 'billing':
      return { status: 402, type: 'billing_error', message: 'Your credit balance is too low to access the Anthropic API.' };
    case 'organization_on_hold':
      return {
        status: 400,
        type: 'invalid_request_error',
        errorCode: 'organization_on_hold',
        message: 'This organization has been placed on hold. Contact support.',
      };
    default:
      return name;
  }
}

/** A 429 with the spend-limit error code; the API may or may not add `x-should-retry: false`. */
export function spendLimitFault(shouldRetry?: boolean): StatusFault {
  return {
    status: 429,
    type: 'rate_limit_error',
    errorCode: 'enforced_spend_limit_reached',
    message: 'You have reached your specified workspace API usage limits.',
    ...(shouldRetry !== undefined && { shouldRetry }),
  };
}

export function describeFault(fault: Fault): string {
  if (typeof fault === 'string') return fault;
  if ('refusal' in fault) return 'refusal';
  return fault.errorCode ? `status:${fault.status}:${fault.errorCode}` : `status:${fault.status}`;
}

/** A seeded generator of floats in [0, 1) (the project's one PRNG, src/stats/random.ts). */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

/** Draws a fault (or none) per call, with the given rates, reproducibly for a given seed. */
export function randomFaultSource(seed: number, rates: FaultRates): () => Fault | undefined {
  const random = seededRandom(seed);
  const entries = (Object.entries(rates) as [FaultName, number][]).filter(([, rate]) => rate > 0);
  const total = entries.reduce((sum, [, rate]) => sum + rate, 0);
  if (total > 1) throw new RangeError(`fault rates add up to ${total}; they must not exceed 1`);
  return () => {
    let draw = random();
    for (const [name, rate] of entries) {
      if (draw < rate) return faultFromName(name);
      draw -= rate;
    }
    return undefined;
  };
}
