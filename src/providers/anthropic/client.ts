/**
 * Builds the real SDK client lazily (the SDK is a heavy import, kept off the CLI's start-up path)
 * with the SDK's own retries and the attempt-counting fetch underneath, and holds the timeout
 * arithmetic: the per-attempt timeout grows with max_tokens as the SDK's own estimate does, and a
 * sample's deadline leaves room for all its attempts and retry waits.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { InfrastructureError } from '../../errors.js';
import { checkTimerMs } from '../../nodeTimers.js';
import { registerSecret } from '../../secrets.js';
import type { PacingLane, RateLimiter } from '../pacing.js';
import type { ModelTable } from '../pricing.js';
import { expectedGenerationMs } from '../streaming.js';
import { AttemptCounter, countingFetch, type FetchFunction } from './attempts.js';
import { showSdkDeprecationWarningsOnce } from './sdkWarnings.js';

export { expectedGenerationMs, needsStreaming } from '../streaming.js';

export type ApiKeySource = string | (() => string | Promise<string>);

export interface AnthropicProviderOptions {
  /** The key, or a function returning it; defaults to ANTHROPIC_API_KEY. */
  apiKey?: ApiKeySource;
  baseURL?: string;
  /**
   * Per HTTP attempt, at least (default 60 000 ms). A non-streamed request gets more when its
   * max_tokens needs it: about 3 600 s × max_tokens / 128 000, the SDK's own estimate.
   */
  timeoutMs?: number;
  /** Retries done by the SDK itself (429, 5xx, 529, connection errors, timeouts). Default 2. */
  maxRetries?: number;
  /**
   * The longest `retry-after` a retry waits for (default 60 000 ms). A 429, 529 or 5xx asking for
   * longer is not retried: the sample ends at once as `rate_limit`, `overloaded` …, with the wait
   * it asked for.
   */
  maxRetryWaitMs?: number;
  /**
   * A streamed answer that sends nothing, not even the API's keep-alive ping, for this long is
   * given up and sent again within the retry budget; one that stalls on every attempt ends as
   * `timeout`. Default 90 000 ms; at most 2 147 483 647 ms (Node's longest timer), or createAnthropicProvider throws.
   */
  streamIdleTimeoutMs?: number;
  /** Shared pacing for the whole run; without one, requests are not paced. */
  limiter?: RateLimiter;
  /** The limiter's queue this provider's calls wait in: `judge` for a judge's provider. Default `generator`. */
  lane?: PacingLane;
  models: ModelTable;
  /**
   * `true`: count every prompt with the count_tokens endpoint. Default: count only prompts whose
   * estimate comes near the model's context window (once per unique prompt, not per repeat).
   * `false`: never count (the API answers an oversized prompt with a 400).
   */
  countTokens?: boolean;
  /** Look each model up with models.retrieve once (max_tokens, lifecycle, retirement). Default true. */
  retrieveModels?: boolean;
  /** Reserved: live requests are priced at standard rates; the batch client applies batch prices. */
  batchPricing?: false;
  /** Refuse (unsent, `bad_request`) any request whose input exceeds this many tokens. */
  maxInputTokensPerRequest?: number;
  /**
   * Stream responses (SSE) of requests that do not say (`GenerationRequest.stream`; the engine
   * always says). Default: only when max_tokens needs more than the 10 minutes a non-streamed
   * request may take (above 21 333).
   */
  stream?: boolean;
  /** Headers sent with every request (e.g. a gateway's routing header). */
  defaultHeaders?: Record<string, string>;
  /** Beta flags, sent as `anthropic-beta: a,b`. */
  betas?: string[];
  /** The same 400 (or 413) answer to this many different requests in a row stops the run with the API's message. Default 5. */
  stopAfterIdenticalBadRequests?: number;
  /** Where one-time warnings go (a deprecated model, a price modifier the table lacks). Default stderr. */
  onWarning?: (message: string) => void;
  fetch?: FetchFunction;
  /** How the wait before sending a cut stream again is slept; it must end when the signal aborts. Tests replace it. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Where the provider's one-time warnings go (options.onWarning, else stderr): each key is said
 * once for the life of the provider or batch client that made it.
 */
export function oneTimeWarnings(options: Pick<AnthropicProviderOptions, 'onWarning'>): (key: string, message: string) => void {
  const said = new Set<string>();
  const say = options.onWarning ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  return (key, message) => {
    if (said.has(key)) return;
    said.add(key);
    say(message);
  };
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
export const DEFAULT_MAX_RETRY_WAIT_MS = 60_000;
/** Well above the gaps between the API's keep-alive pings while a model thinks without streaming text. */
export const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 90_000;
/** The SDK backs off at most 8 s between attempts when the server names no wait. */
const SDK_MAX_BACKOFF_MS = 8_000;

/**
 * The provider's delays, each armed as one timer (the SDK's attempt timeout, its sleep through a
 * retry-after, the stall watch), within what a Node timer holds: a longer one fires after 1 ms.
 */
export function checkTimerOptions(options: Pick<AnthropicProviderOptions, 'timeoutMs' | 'maxRetryWaitMs' | 'streamIdleTimeoutMs'>): void {
  for (const name of ['timeoutMs', 'maxRetryWaitMs', 'streamIdleTimeoutMs'] as const) {
    const ms = options[name];
    if (ms !== undefined) checkTimerMs(name, ms);
  }
}

/**
 * The SDK timeout of one attempt. Non-streamed, it covers the whole answer, so it is at least the
 * SDK's estimate for max_tokens; streamed, it covers the wait for the first byte.
 */
export function attemptTimeoutMs(maxTokens: number, stream: boolean, floorMs = DEFAULT_TIMEOUT_MS): number {
  return stream ? floorMs : Math.max(floorMs, expectedGenerationMs(maxTokens));
}

/**
 * The least a sample's deadline must allow so the SDK's retries are not cut off: every attempt at
 * its full timeout (a stream also needs the time to generate its answer, and a stream that stalls
 * lasts its idle limit, so a streamed attempt gets at least `streamIdleTimeoutMs`), plus the waits
 * between attempts.
 */
export function sampleBudgetMs(
  maxTokens: number,
  stream: boolean,
  options: Pick<AnthropicProviderOptions, 'timeoutMs' | 'maxRetries' | 'maxRetryWaitMs' | 'streamIdleTimeoutMs'>,
): number {
  const floor = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const perAttempt = stream
    ? Math.max(floor + expectedGenerationMs(maxTokens), options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS)
    : attemptTimeoutMs(maxTokens, false, floor);
  const retries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const wait = Math.max(SDK_MAX_BACKOFF_MS, options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS);
  return (retries + 1) * perAttempt + retries * wait + 1_000;
}

const MISSING_KEY_HINT = 'set the ANTHROPIC_API_KEY environment variable, or pass apiKey to createAnthropicProvider';

function keyFromEnvironment(): string | undefined {
  const key = process.env.ANTHROPIC_API_KEY?.trim();
  return key ? key : undefined;
}

/** Throws early when no key can possibly be found (no option, no function, no environment). */
export function assertKeyAvailable(source: ApiKeySource | undefined): void {
  if (typeof source === 'function') return;
  if (source?.trim() || keyFromEnvironment()) return;
  throw new InfrastructureError('no Anthropic API key configured', MISSING_KEY_HINT);
}

export async function resolveApiKey(source: ApiKeySource | undefined): Promise<string> {
  const key = (typeof source === 'function' ? await source() : source)?.trim() || keyFromEnvironment();
  if (!key) throw new InfrastructureError('no Anthropic API key configured', MISSING_KEY_HINT);
  return key;
}

/** `output_config.format` for a JSON Schema, through the SDK's own helper (it rewrites the schema into the supported subset). */
export type OutputFormatBuilder = (schema: Record<string, unknown>) => { type: 'json_schema'; schema: Record<string, unknown> };

export interface SdkHandle {
  client: Anthropic;
  attempts: AttemptCounter;
  apiKey: string;
  outputFormat: OutputFormatBuilder;
}

function clientHeaders(options: AnthropicProviderOptions): Record<string, string> | undefined {
  const headers: Record<string, string> = { ...options.defaultHeaders };
  if (options.betas?.length) headers['anthropic-beta'] = options.betas.join(',');
  return Object.keys(headers).length ? headers : undefined;
}

/**
 * `capUntrackedWaits`: requests outside a sample's attempts (count_tokens, model lookups) also
 * give up on a retry-after longer than maxRetryWaitMs (the live provider, whose sample deadline
 * is paused while they run; the batch client waits them out).
 */
export async function createSdkHandle(options: AnthropicProviderOptions, capUntrackedWaits = false): Promise<SdkHandle> {
  const apiKey = await resolveApiKey(options.apiKey);
  registerSecret(apiKey); // redacted from everything promptgold writes
  const [{ default: AnthropicClient }, { jsonSchemaOutputFormat }] = await Promise.all([
    import('@anthropic-ai/sdk'),
    import('@anthropic-ai/sdk/helpers/json-schema'),
  ]);
  showSdkDeprecationWarningsOnce();
  const attempts = new AttemptCounter();
  const headers = clientHeaders(options);
  const client = new AnthropicClient({
    apiKey,
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    ...(headers && { defaultHeaders: headers }),
    fetch: countingFetch(
      options.fetch ?? globalThis.fetch,
      attempts,
      options.limiter,
      capUntrackedWaits ? { maxRetryWaitMs: options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS } : {},
    ),
  });
  const outputFormat: OutputFormatBuilder = (schema) => {
    const format = jsonSchemaOutputFormat(schema as Parameters<typeof jsonSchemaOutputFormat>[0]);
    // The helper's `parse` is for messages.parse(); the wire format is type and schema only.
    return { type: 'json_schema', schema: format.schema as Record<string, unknown> };
  };
  return { client, attempts, apiKey, outputFormat };
}

/** Creates the handle on first use and shares it; a failed creation is retried next time. */
export function lazySdkHandle(options: AnthropicProviderOptions, capUntrackedWaits = false): () => Promise<SdkHandle> {
  let pending: Promise<SdkHandle> | undefined;
  return () => {
    pending ??= createSdkHandle(options, capUntrackedWaits).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
