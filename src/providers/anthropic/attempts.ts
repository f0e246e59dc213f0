/**
 * A `fetch` wrapper that sits under the SDK's own retry loop. Per logical request (keyed by a
 * private header that is stripped before sending) it counts HTTP attempts, paces retries in the
 * request's model family, and feeds every response's rate-limit headers and every 429/529 to the
 * limiter. It also corrects two things the SDK's loop would get wrong for a long run:
 * - A 429 that cannot succeed by retrying (a spend limit), and any answer the SDK would retry
 *   (429, 529, 5xx, 408, 409) whose `retry-after` is longer than the run waits, is marked
 *   `x-should-retry: false`, so the SDK gives up at once instead of sleeping it out.
 * - A JSON body is read here, inside the attempt: a connection cut mid-body then fails the attempt
 *   like any connection error, and the SDK retries it (it would otherwise surface later, unretried,
 *   as `terminated`).
 */
import type { PacingLane, RateLimiter } from '../pacing.js';

export const ATTEMPT_KEY_HEADER = 'x-promptgold-attempt-key';

export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What the fetch wrapper knows about a logical request. */
export interface AttemptContext {
  family?: string;
  lane?: PacingLane;
  /** The longest retry-after worth waiting for; longer ones end the request at once. */
  maxRetryWaitMs?: number;
  /** The longest silence (no event, not even a ping) an event stream is waited through; see stallWatched. */
  streamIdleTimeoutMs?: number;
}

interface Tracked {
  count: number;
  context: AttemptContext;
}

export class AttemptCounter {
  private readonly tracked = new Map<string, Tracked>();
  private nextKey = 0;

  /** Starts counting a new logical request; pass the returned key in ATTEMPT_KEY_HEADER. */
  begin(context: AttemptContext = {}): string {
    this.nextKey += 1;
    const key = String(this.nextKey);
    this.tracked.set(key, { count: 0, context });
    return key;
  }

  /** How many attempts were sent so far. */
  count(key: string): number {
    return this.tracked.get(key)?.count ?? 0;
  }

  /** Stops counting and returns how many attempts were sent. */
  end(key: string): number {
    const count = this.count(key);
    this.tracked.delete(key);
    return count;
  }

  /** Records one attempt; returns its 1-based number and the request's context, or undefined for an unknown key. */
  record(key: string): { attempt: number; context: AttemptContext } | undefined {
    const tracked = this.tracked.get(key);
    if (tracked === undefined) return undefined;
    tracked.count += 1;
    return { attempt: tracked.count, context: tracked.context };
  }
}

/** Spend limits and billing problems: retrying cannot help, the whole run must stop. */
export const ACCOUNT_ERROR_CODES: ReadonlySet<string> = new Set([
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'linked_organization_billing_unavailable',
  'organization_on_hold',
]);

/** The wait a response asks for: `retry-after-ms`, else `retry-after` (seconds or an HTTP date), as the SDK reads them. */
export function retryAfterMsOf(headers: Headers): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

async function errorCodeOf(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { error?: { details?: { error_code?: unknown } } };
    const code = body?.error?.details?.error_code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** The statuses the SDK retries (honouring their retry-after, however long): 408, 409, 429 and every 5xx. */
function retriedBySdk(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** A copy of the response the SDK will not retry. */
function notRetryable(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('x-should-retry', 'false');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Thrown inside an attempt when the connection closes before the body is complete: the SDK retries it. */
export class BodyCutError extends Error {
  constructor(cause: unknown) {
    super(`the connection closed before the response body was complete (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
    this.name = 'BodyCutError';
  }
}

/** Put into an event stream that sent nothing, not even a ping, for the idle limit: its answer is lost. */
export class StreamStalledError extends Error {
  constructor(idleMs: number) {
    super(`the answer stream stalled: nothing arrived for ${idleMs / 1000} s (streamIdleTimeoutMs)`);
    this.name = 'StreamStalledError';
  }
}

function isEventStream(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/event-stream');
}

/**
 * The response with its event stream failed by StreamStalledError (and the connection closed) when
 * nothing arrives for `idleMs` while the SDK waits for more. The SDK's timeout ends when the headers
 * arrive: without this, a stream that stalls after them waits out the sample's whole deadline.
 * Pings reset the wait too, so a model that thinks quietly is not taken for a stalled stream.
 */
function stallWatched(response: Response, idleMs: number): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          let stalled = false;
          timer = setTimeout(() => {
            stalled = true;
            const error = new StreamStalledError(idleMs);
            controller.error(error);
            reader.cancel(error).catch(() => undefined);
            resolve();
          }, idleMs);
          reader.read().then(
            ({ done, value }) => {
              clearTimeout(timer);
              if (stalled) return;
              if (done) controller.close();
              else controller.enqueue(value);
              resolve();
            },
            (error: unknown) => {
              clearTimeout(timer);
              if (stalled) return;
              controller.error(error);
              resolve();
            },
          );
        });
      },
      cancel(reason) {
        clearTimeout(timer);
        return reader.cancel(reason);
      },
    },
    // Pulled only while the SDK waits for data: the wait measures the server's silence, not ours.
    { highWaterMark: 0 },
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/** JSON answers are small and read whole; event streams and batch result files are left to stream. */
function isJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('application/json');
}

/** Reads a JSON body within the attempt, so a cut connection is an attempt failure the SDK retries. */
async function buffered(response: Response, signal: AbortSignal | null | undefined): Promise<Response> {
  let body: ArrayBuffer;
  try {
    body = await response.arrayBuffer();
  } catch (error) {
    // A timeout or an abort keeps its own shape: the SDK tells those apart by the signal.
    if (signal?.aborted) throw error;
    throw new BodyCutError(error);
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

/**
 * `untracked` is the context of requests that carry no attempt key (count_tokens, model lookups,
 * batch calls): they are not counted or paced, but a long retry-after ends them all the same.
 */
export function countingFetch(base: FetchFunction, counter: AttemptCounter, limiter: RateLimiter | undefined, untracked: AttemptContext = {}): FetchFunction {
  return async (input, init = {}) => {
    // The SDK hands over a fresh Headers object per attempt; reuse it rather than copy it.
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    const key = headers.get(ATTEMPT_KEY_HEADER);
    let tracked: { attempt: number; context: AttemptContext } | undefined;
    if (key !== null) {
      headers.delete(ATTEMPT_KEY_HEADER);
      tracked = counter.record(key);
    }
    const context = tracked ? tracked.context : untracked;
    // The first attempt was paced by acquire(); SDK retries take a request slot of their own.
    if (limiter && tracked && tracked.attempt > 1) await limiter.paceRetry(init.signal ?? undefined, context.family);
    init.headers = headers;
    let response = await base(input, init);
    if (limiter && tracked) {
      limiter.observeHeaders(response.headers, context.family);
      if (response.status === 429) limiter.onThrottled('rate_limit', context.lane);
      else if (response.status === 529) limiter.onThrottled('overloaded', context.lane);
    }
    if (retriedBySdk(response.status) && response.headers.get('x-should-retry') !== 'false') {
      const code = response.status === 429 ? await errorCodeOf(response) : undefined;
      const wait = retryAfterMsOf(response.headers);
      const maxWait = context.maxRetryWaitMs;
      if ((code !== undefined && ACCOUNT_ERROR_CODES.has(code)) || (wait !== undefined && maxWait !== undefined && wait > maxWait)) {
        response = notRetryable(response);
      }
    }
    if (response.ok && isJson(response)) response = await buffered(response, init.signal);
    else if (response.ok && context.streamIdleTimeoutMs !== undefined && isEventStream(response)) response = stallWatched(response, context.streamIdleTimeoutMs);
    return response;
  };
}
