/**
 * The Anthropic provider: one GenerationRequest → one Messages API call through the real SDK,
 * guarded (context window, per-request input ceiling), paced by the shared RateLimiter, and
 * mapped back to a Generation or a classified ProviderError.
 */
import type { ModelInfo } from '../pricing.js';
import { estimateInputTokens } from '../tokens.js';
import {
  ProviderError,
  type GenerateContext,
  type Generation,
  type GenerationRequest,
  type Provider,
} from '../types.js';
import { ATTEMPT_KEY_HEADER } from './attempts.js';
import { assertKeyAvailable, lazySdkHandle, type AnthropicProviderOptions, type SdkHandle } from './client.js';
import { classifyAnthropicError } from './errors.js';
import { buildMessageParams } from './params.js';
import { generationFromMessage, type ApiMessage } from './response.js';

/** The SDK refuses non-streamed requests above this many output tokens. */
const MAX_NON_STREAMING_TOKENS = 21_333;

export interface ModelLimits {
  contextWindow: number | undefined;
  info: ModelInfo | undefined;
}

function isAbort(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'APIUserAbortError';
}

/**
 * Context window of a model: from the table, else from `models.retrieve` (asked once per id).
 * A 404 or auth failure is fatal; any other lookup failure leaves the window unknown.
 */
function modelLimitsResolver(options: AnthropicProviderOptions, sdk: () => Promise<SdkHandle>) {
  const retrieved = new Map<string, Promise<number | undefined>>();
  return async (model: string): Promise<ModelLimits> => {
    const info = options.models.get(model);
    if (info) return { contextWindow: info.contextWindow, info };
    let lookup = retrieved.get(model);
    if (!lookup) {
      lookup = (async () => {
        const { client, apiKey } = await sdk();
        try {
          const found = await client.models.retrieve(model);
          return found.max_input_tokens ?? undefined;
        } catch (error) {
          const classified = classifyAnthropicError(error, { model, secrets: [apiKey] });
          if (classified.fatal) throw classified;
          retrieved.delete(model);
          return undefined;
        }
      })();
      retrieved.set(model, lookup);
    }
    return { contextWindow: await lookup, info: undefined };
  };
}

export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  assertKeyAvailable(options.apiKey);
  const sdk = lazySdkHandle(options);
  const limitsOf = modelLimitsResolver(options, sdk);
  const limiter = options.limiter;

  async function countInputTokens(handle: SdkHandle, body: Record<string, unknown>, signal: AbortSignal): Promise<number> {
    const { model, system, messages, output_config, thinking } = body;
    const counted = await handle.client.messages.countTokens(
      { model, system, messages, output_config, thinking } as Parameters<SdkHandle['client']['messages']['countTokens']>[0],
      { signal },
    );
    return counted.input_tokens;
  }

  function guard(request: GenerationRequest, inputTokens: number, contextWindow: number | undefined): void {
    const ceiling = options.maxInputTokensPerRequest;
    if (ceiling !== undefined && inputTokens > ceiling) {
      throw new ProviderError(
        'bad_request',
        `request not sent: about ${inputTokens} input tokens exceeds the per-request ceiling of ${ceiling} (maxInputTokensPerRequest)`,
        { attempts: 0 },
      );
    }
    if (contextWindow !== undefined && inputTokens > contextWindow - request.maxTokens) {
      throw new ProviderError(
        'context_overflow',
        `request not sent: about ${inputTokens} input tokens + max_tokens ${request.maxTokens} exceed the ` +
          `${contextWindow}-token context window of ${request.model}`,
        { attempts: 0 },
      );
    }
  }

  async function send(handle: SdkHandle, body: Record<string, unknown>, key: string, signal: AbortSignal): Promise<ApiMessage> {
    const requestOptions = { signal, headers: { [ATTEMPT_KEY_HEADER]: key } };
    const stream = options.stream ?? (body.max_tokens as number) > MAX_NON_STREAMING_TOKENS;
    type CreateBody = Parameters<SdkHandle['client']['messages']['create']>[0];
    if (stream) {
      return (await handle.client.messages.stream(body as unknown as CreateBody, requestOptions).finalMessage()) as ApiMessage;
    }
    return (await handle.client.messages.create({ ...body, stream: false } as unknown as CreateBody, requestOptions)) as ApiMessage;
  }

  async function generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
    const { signal } = context;
    if (signal.aborted) throw signal.reason;
    const handle = await sdk();
    const secrets = [handle.apiKey];
    const { contextWindow, info } = await limitsOf(request.model);
    const { body, droppedParams } = buildMessageParams(request, info);
    let inputTokens: number;
    try {
      inputTokens = options.countTokens ? await countInputTokens(handle, body, signal) : estimateInputTokens(request);
    } catch (error) {
      if (isAbort(error, signal)) throw signal.reason ?? error;
      throw classifyAnthropicError(error, { model: request.model, attempts: 0, secrets });
    }
    guard(request, inputTokens, contextWindow);

    const permit = limiter ? await limiter.acquire({ inputTokens, maxOutputTokens: request.maxTokens }, signal) : undefined;
    const key = handle.attempts.begin();
    const started = performance.now();
    try {
      const message = await send(handle, body, key, signal);
      const latencyMs = performance.now() - started;
      const attempts = handle.attempts.end(key);
      const generation: Generation = { ...generationFromMessage(message, info), latencyMs, attempts };
      if (droppedParams.length > 0) generation.droppedParams = droppedParams;
      if (generation.usage) {
        const u = generation.usage;
        permit?.settle({
          inputTokens: u.inputTokens + (u.cacheCreationInputTokens ?? 0) + (u.cacheReadInputTokens ?? 0),
          outputTokens: u.outputTokens,
        });
      }
      limiter?.onSuccess();
      return generation;
    } catch (error) {
      const attempts = handle.attempts.end(key);
      if (isAbort(error, signal)) throw signal.reason ?? error;
      const classified = classifyAnthropicError(error, { model: request.model, attempts, secrets });
      // Statuses are seen by the fetch wrapper; an overload inside a 200 stream is only seen here.
      if (classified.kind === 'overloaded' && classified.status === undefined) limiter?.onThrottled('overloaded');
      throw classified;
    } finally {
      permit?.release();
    }
  }

  return { id: 'anthropic', generate };
}
