/**
 * The same 400 (or 413) answer to N different requests in a row means every request will get it
 * (a template the API rejects, a max_tokens the model does not allow): the run stops. One for the
 * live provider and the batch client, so both stop on the same streak with the same message.
 */
import { ProviderError } from '../types.js';

/** stopAfterIdenticalBadRequests when the config does not say. */
export const DEFAULT_IDENTICAL_BAD_REQUESTS = 5;

/** The API's answers to a request it will not take (a 400, or a 413 for one too large): the same one to every request stops the run. */
const STREAK_STATUSES: ReadonlySet<number> = new Set([400, 413]);

/**
 * Tracks 400-like failures by request. The repeats of one case send the same request: a case the
 * API rejects fails its own samples, not the run, so a request already in the streak does not
 * lengthen it.
 */
export class BadRequestStreak {
  private last: string | undefined;
  private readonly requests = new Set<string>();

  constructor(private readonly limit: number) {}

  /**
   * A 400-like failure of the request with this key (`fromApi`: the API's own answer), counted in
   * the streak; fatal once the streak is long enough.
   */
  failure(message: string, requestKey: string, fromApi?: ProviderError): ProviderError {
    if (message !== this.last) this.requests.clear();
    this.last = message;
    this.requests.add(requestKey);
    const count = this.requests.size;
    if (count < this.limit) return fromApi ?? new ProviderError('bad_request', message, { attempts: 0 });
    return new ProviderError('bad_request', `${message} — the same answer to ${count} different requests in a row; stopping the run (fix the template or the config, then --resume)`, {
      ...(fromApi?.attempts !== undefined ? { attempts: fromApi.attempts } : { attempts: 0 }),
      ...(fromApi?.status !== undefined && { status: fromApi.status }),
      ...(fromApi?.code !== undefined && { code: fromApi.code }),
      ...(fromApi?.requestId !== undefined && { requestId: fromApi.requestId }),
      fatal: true,
      cause: fromApi,
    });
  }

  /** The API's classified answer to the request with this key: a 400 or a 413 is counted in the streak. */
  answer(classified: ProviderError, requestKey: string): ProviderError {
    const rejected = classified.kind === 'bad_request' && classified.status !== undefined && STREAK_STATUSES.has(classified.status);
    return rejected ? this.failure(classified.message, requestKey, classified) : classified;
  }

  /** A request went through: the streak is broken. */
  reset(): void {
    this.last = undefined;
    this.requests.clear();
  }
}
