/**
 * Builds the real SDK client lazily (the SDK is a heavy import, kept off the CLI's start-up path)
 * with an explicit timeout, the SDK's own retries, and the attempt-counting fetch underneath.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { InfrastructureError } from '../../errors.js';
import { registerSecret } from '../../secrets.js';
import type { RateLimiter } from '../pacing.js';
import type { ModelTable } from '../pricing.js';
import { AttemptCounter, countingFetch, type FetchFunction } from './attempts.js';
import { showSdkDeprecationWarningsOnce } from './sdkWarnings.js';

export type ApiKeySource = string | (() => string | Promise<string>);

export interface AnthropicProviderOptions {
  /** The key, or a function returning it; defaults to ANTHROPIC_API_KEY. */
  apiKey?: ApiKeySource;
  baseURL?: string;
  /** Per HTTP attempt. Default 120 000 ms. */
  timeoutMs?: number;
  /** Retries done by the SDK itself (429, 5xx, 529, connection errors, timeouts). Default 2. */
  maxRetries?: number;
  /** Shared pacing for the whole run; without one, requests are not paced. */
  limiter?: RateLimiter;
  models: ModelTable;
  /** Count input tokens with the count_tokens endpoint (exact, one extra call) instead of estimating. */
  countTokens?: boolean;
  /** Reserved: live requests are priced at standard rates; the batch client applies batch prices. */
  batchPricing?: false;
  /** Refuse (unsent, `bad_request`) any request whose input exceeds this many tokens. */
  maxInputTokensPerRequest?: number;
  /**
   * Stream responses (SSE). Default: only when max_tokens exceeds what a non-streamed request may
   * ask for (21 333).
   */
  stream?: boolean;
  fetch?: FetchFunction;
}

export const DEFAULT_TIMEOUT_MS = 120_000;

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

export interface SdkHandle {
  client: Anthropic;
  attempts: AttemptCounter;
  apiKey: string;
}

export async function createSdkHandle(options: AnthropicProviderOptions): Promise<SdkHandle> {
  const apiKey = await resolveApiKey(options.apiKey);
  registerSecret(apiKey); // redacted from everything promptgold writes
  const { default: AnthropicClient } = await import('@anthropic-ai/sdk');
  showSdkDeprecationWarningsOnce();
  const attempts = new AttemptCounter();
  const client = new AnthropicClient({
    apiKey,
    ...(options.baseURL !== undefined && { baseURL: options.baseURL }),
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: options.maxRetries ?? 2,
    fetch: countingFetch(options.fetch ?? globalThis.fetch, attempts, options.limiter),
  });
  return { client, attempts, apiKey };
}

/** Creates the handle on first use and shares it; a failed creation is retried next time. */
export function lazySdkHandle(options: AnthropicProviderOptions): () => Promise<SdkHandle> {
  let pending: Promise<SdkHandle> | undefined;
  return () => {
    pending ??= createSdkHandle(options).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}
