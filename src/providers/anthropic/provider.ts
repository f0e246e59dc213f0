/**
 * The Anthropic provider: one GenerationRequest → one Messages API call through the real SDK,
 * guarded (model facts, context window, per-request input ceiling), paced by the shared
 * RateLimiter in the model's family, and mapped back to a Generation or a classified
 * ProviderError. Failures that will repeat on every request (a bad key, an unknown model, an
 * account that cannot be billed, the same 400 again and again) are fatal: the engine stops.
 */
import { sha256Hex, stableStringify } from '../../canonical.js';
import { familyOf, unpricedModifiers } from '../pricing.js';
import { abortableSleep } from '../pacing.js';
import { estimateInputTokens } from '../tokens.js';
import {
  ProviderError,
  type GenerateContext,
  type Generation,
  type GenerationRequest,
  type Provider,
} from '../types.js';
import { ATTEMPT_KEY_HEADER, BodyCutError, StreamStalledError } from './attempts.js';
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_RETRY_WAIT_MS,
  DEFAULT_STREAM_IDLE_TIMEOUT_MS,
  DEFAULT_TIMEOUT_MS,
  assertKeyAvailable,
  attemptTimeoutMs,
  checkTimerOptions,
  lazySdkHandle,
  needsStreaming,
  oneTimeWarnings,
  sampleBudgetMs,
  type AnthropicProviderOptions,
  type SdkHandle,
} from './client.js';
import { classifyAnthropicError } from './errors.js';
import { BadRequestStreak, DEFAULT_IDENTICAL_BAD_REQUESTS } from './badRequestStreak.js';
import { countTokensBody, inputLimitsOf, mustCountTokens, requestRefusal, type InputLimits, type InputTokens } from './inputGuard.js';
import { modelFactsResolver, warnIfDeprecated, type ModelFacts } from './modelFacts.js';
import { buildMessageParams } from './params.js';
import { generationFromMessage, rateLimitedInputTokens, type ApiMessage } from './response.js';
import { checkStructuredOutput } from './structured.js';

const TOKEN_COUNT_CACHE_SIZE = 10_000;

function isAbort(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

/** Which request a 400 answered, for the streak of identical ones: repeats send the same body. */
function requestKeyOf(body: Record<string, unknown>): string {
  return sha256Hex(stableStringify(body));
}

export interface ModelCheck extends Omit<ModelFacts, 'info'> {
  id: string;
  /** In the price table: its calls can be costed, forecast and budgeted. */
  priced: boolean;
}

/**
 * Checks models before a run (judge models especially): each is looked up once with
 * models.retrieve. An id the API does not know (or a key it rejects) throws the fatal
 * ProviderError a request would have met on every sample; the result says which are priced.
 */
export async function checkAnthropicModels(options: AnthropicProviderOptions, ids: Iterable<string>): Promise<ModelCheck[]> {
  assertKeyAvailable(options.apiKey);
  const factsOf = modelFactsResolver({ ...options, retrieveModels: true }, lazySdkHandle(options));
  const checks: ModelCheck[] = [];
  for (const id of [...new Set(ids)].sort()) {
    const { info, ...facts } = await factsOf(id);
    checks.push({ id, priced: info !== undefined, ...facts });
  }
  return checks;
}

/** How the SDK reports a stream that ended without `message_stop`. */
const STREAM_ENDED_EARLY = /stream ended without producing a Message/;

/** Server errors a stream can end with after it started (`event: error`): the SDK retries them only before it starts. */
const RETRYABLE_STREAM_ERRORS = new Set(['overloaded_error', 'api_error']);

/**
 * Why a started stream failed, when sending it again can help: the connection was cut or stalled,
 * or the server sent a retryable error event.
 */
function streamFailure(error: unknown): 'connection' | 'stalled' | 'overloaded' | 'server_error' | undefined {
  const classified = classifyAnthropicError(error);
  if (classified.kind === 'connection') return 'connection';
  if (isStall(error)) return 'stalled';
  const type = (error as { type?: unknown } | null)?.type;
  if (classified.status !== undefined || typeof type !== 'string' || !RETRYABLE_STREAM_ERRORS.has(type)) return undefined;
  return type === 'overloaded_error' ? 'overloaded' : 'server_error';
}

/** The SDK wraps what broke a stream's body in an AnthropicError, with it as the cause. */
function isStall(error: unknown): boolean {
  return (error as { cause?: unknown } | null)?.cause instanceof StreamStalledError;
}

export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  assertKeyAvailable(options.apiKey);
  checkTimerOptions(options);
  const sdk = lazySdkHandle(options, true);
  const factsOf = modelFactsResolver(options, sdk);
  const limiter = options.limiter;
  const lane = options.lane ?? 'generator';
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const maxRetryWaitMs = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  const streamIdleTimeoutMs = options.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS;
  const sleep = options.sleep ?? abortableSleep;
  const streak = new BadRequestStreak(options.stopAfterIdenticalBadRequests ?? DEFAULT_IDENTICAL_BAD_REQUESTS);
  const counted = new Map<string, Promise<number>>();
  const warn = oneTimeWarnings(options);

  /** Exact input tokens from count_tokens, asked once per distinct prompt (repeats share it). */
  function countInputTokens(handle: SdkHandle, body: Record<string, unknown>, signal: AbortSignal): Promise<number> {
    const countBody = countTokensBody(body);
    const key = sha256Hex(stableStringify(countBody));
    let pending = counted.get(key);
    if (!pending) {
      type CountBody = Parameters<SdkHandle['client']['messages']['countTokens']>[0];
      pending = handle.client.messages.countTokens(countBody as CountBody, { signal }).then((r) => r.input_tokens);
      pending.catch(() => counted.delete(key));
      if (counted.size >= TOKEN_COUNT_CACHE_SIZE) counted.delete(counted.keys().next().value!);
      counted.set(key, pending);
    }
    return pending;
  }

  /** Input tokens for the guards and the limiter: exact when counted, else the estimate. */
  async function inputTokensOf(
    handle: SdkHandle,
    request: GenerationRequest,
    body: Record<string, unknown>,
    limits: InputLimits,
    signal: AbortSignal,
  ): Promise<InputTokens> {
    const estimate = estimateInputTokens(request);
    if (!mustCountTokens(estimate, limits)) return { tokens: estimate, exact: false };
    return { tokens: await countInputTokens(handle, body, signal), exact: true };
  }

  /** Refusals before sending (see inputGuard.ts): nothing here is ever sent, so nothing is billed. */
  function guard(request: GenerationRequest, body: Record<string, unknown>, input: InputTokens, facts: ModelFacts, limits: InputLimits): void {
    const refusal = requestRefusal(request, input, facts, limits, (message) => streak.failure(message, requestKeyOf(body)));
    if (refusal) throw refusal;
  }

  /** The API's answer to the request `body`: a 400 or a 413 is counted in the streak of identical ones. */
  function inStreak(classified: ProviderError, body: Record<string, unknown>): ProviderError {
    return streak.answer(classified, requestKeyOf(body));
  }

  async function sendOnce(
    handle: SdkHandle,
    body: Record<string, unknown>,
    key: string,
    stream: boolean,
    signal: AbortSignal,
  ): Promise<{ message: ApiMessage; requestId: string | undefined; firstContentAt?: number }> {
    const timeout = attemptTimeoutMs(body.max_tokens as number, stream, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    // A resent stream spends what is left of the request's attempt budget, not a fresh one.
    const retriesLeft = Math.max(0, maxRetries - handle.attempts.count(key));
    const requestOptions = { signal, timeout, maxRetries: retriesLeft, headers: { [ATTEMPT_KEY_HEADER]: key } };
    type CreateBody = Parameters<SdkHandle['client']['messages']['create']>[0];
    if (stream) {
      const running = handle.client.messages.stream(body as unknown as CreateBody, requestOptions);
      // Time to first token: the first streamed content of any kind (thinking, text, tool input).
      let firstContentAt: number | undefined;
      let started = false;
      running.on('streamEvent', (event) => {
        if (event.type === 'message_start') started = true;
        if (firstContentAt === undefined && event.type === 'content_block_delta') firstContentAt = performance.now();
      });
      let message: ApiMessage;
      try {
        message = (await running.finalMessage()) as ApiMessage;
      } catch (error) {
        // A stream that started and then ended cleanly before message_stop lost its answer like a cut one.
        if (started && !signal.aborted && STREAM_ENDED_EARLY.test((error as Error | null)?.message ?? '')) throw new BodyCutError(error);
        throw error;
      }
      return { message, requestId: running.request_id ?? undefined, ...(firstContentAt !== undefined && { firstContentAt }) };
    }
    const message = (await handle.client.messages.create({ ...body, stream: false } as unknown as CreateBody, requestOptions)) as ApiMessage & {
      _request_id?: string | null;
    };
    return { message, requestId: message._request_id ?? undefined };
  }

  /**
   * Sends the request; the SDK retries every failure before the answer starts. A stream that fails
   * after it started cannot be retried by the SDK: cut, or ended by an `overloaded_error` or
   * `api_error` event (what a 529 or a 500 is before the stream starts, which the SDK retries), it
   * is sent again here, within the same attempt budget and with the SDK's backoff, since the
   * answer is lost either way.
   */
  async function send(handle: SdkHandle, body: Record<string, unknown>, key: string, stream: boolean, signal: AbortSignal) {
    for (let resend = 0; ; resend++) {
      try {
        return await sendOnce(handle, body, key, stream, signal);
      } catch (error) {
        const failed = stream && !signal.aborted ? streamFailure(error) : undefined;
        if (!failed || handle.attempts.count(key) >= maxRetries + 1) throw error;
        // Statuses are seen by the fetch wrapper; an overload inside a 200 stream only here.
        if (failed === 'overloaded') limiter?.onThrottled('overloaded', lane);
        const backoff = Math.min(500 * 2 ** resend, 8_000) * (1 - Math.random() * 0.25);
        // A stopped run does not wait out the backoff: the sleep rejects with the signal's reason.
        await sleep(backoff, signal);
      }
    }
  }

  async function generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
    const { signal } = context;
    if (signal.aborted) throw signal.reason;
    // Model lookups, token counting and the limiter are queueing, not the request: off the deadline.
    context.deadline?.pause();
    const handle = await sdk();
    const secrets = [handle.apiKey];
    const facts = await factsOf(request.model);
    warnIfDeprecated(request.model, facts, warn);
    const { body, droppedParams } = buildMessageParams(request, facts.info, handle.outputFormat);
    const limits = inputLimitsOf(options, facts);
    let input: InputTokens;
    try {
      input = await inputTokensOf(handle, request, body, limits, signal);
    } catch (error) {
      if (isAbort(error, signal)) throw signal.reason ?? error;
      throw inStreak(classifyAnthropicError(error, { model: request.model, attempts: 0, secrets, maxRetryWaitMs }), body);
    }
    guard(request, body, input, facts, limits);

    const family = familyOf(request.model, facts.info);
    const permit = limiter ? await limiter.acquire({ inputTokens: input.tokens, maxOutputTokens: request.maxTokens, family, lane }, signal) : undefined;
    // The request says whether it streams (the engine decides: template, suite, or a large
    // max_tokens); a request built elsewhere falls back to the provider's option, then to size.
    const stream = request.stream ?? options.stream ?? needsStreaming(request.maxTokens);
    const key = handle.attempts.begin({ family, lane, maxRetryWaitMs, streamIdleTimeoutMs });
    context.deadline?.start(sampleBudgetMs(request.maxTokens, stream, options));
    const started = performance.now();
    let generation: Generation;
    try {
      const { message, requestId, firstContentAt } = await send(handle, body, key, stream, signal);
      const latencyMs = performance.now() - started;
      const attempts = handle.attempts.end(key);
      generation = {
        ...generationFromMessage(message, facts.info, { pricesAsOf: options.models.pricesAsOf }),
        latencyMs,
        attempts,
      };
      if (requestId) generation.requestId = requestId;
      if (stream) {
        generation.streamed = true;
        if (firstContentAt !== undefined) generation.ttftMs = firstContentAt - started;
      }
      if (droppedParams.length > 0) generation.droppedParams = droppedParams;
      if (generation.usage) {
        permit?.settle({ inputTokens: rateLimitedInputTokens(generation.usage), outputTokens: generation.usage.outputTokens });
        const unpriced = facts.info ? unpricedModifiers(generation.usage, facts.info) : [];
        if (unpriced.length > 0) {
          warn(
            `unpriced:${request.model}:${unpriced.join()}`,
            `${request.model} answered with ${unpriced.join(', ')}, which the price table has no multiplier for: its cost is recorded at standard rates; add models.${request.model}.priceMultipliers in the config`,
          );
        }
      }
      limiter?.onSuccess(lane);
      streak.reset();
    } catch (error) {
      const attempts = handle.attempts.end(key);
      if (isAbort(error, signal)) throw signal.reason ?? error;
      const classified = classifyAnthropicError(error, { model: request.model, attempts, secrets, maxRetryWaitMs });
      // Statuses are seen by the fetch wrapper; an overload inside a 200 stream is only seen here.
      if (classified.kind === 'overloaded' && classified.status === undefined) limiter?.onThrottled('overloaded', lane);
      throw inStreak(classified, body);
    } finally {
      permit?.release();
    }
    // The API answered: an answer that breaks the requested schema is the sample's outcome, not a
    // failed request.
    checkStructuredOutput(request.outputSchema, generation);
    return generation;
  }

  return { id: 'anthropic', generate };
}
