/**
 * The Anthropic provider's options from the project config (`anthropic` in promptgold.config).
 * SDK-free, so the composition root can call it without loading the SDK.
 */
import type { PromptgoldConfig } from '../../config.js';
import type { RateLimiter } from '../pacing.js';
import type { ModelTable } from '../pricing.js';
import type { AnthropicProviderOptions } from './client.js';

export function anthropicOptionsFromConfig(
  config: PromptgoldConfig,
  shared: { models: ModelTable; limiter?: RateLimiter | undefined },
): AnthropicProviderOptions {
  const anthropic = config.anthropic ?? {};
  const options: AnthropicProviderOptions = { models: shared.models };
  if (anthropic.baseURL) options.baseURL = anthropic.baseURL;
  // The suite's per-sample timeout is not an attempt timeout: the provider derives that itself.
  if (anthropic.timeoutMs !== undefined) options.timeoutMs = anthropic.timeoutMs;
  if (anthropic.maxRetries !== undefined) options.maxRetries = anthropic.maxRetries;
  if (anthropic.maxRetryWaitMs !== undefined) options.maxRetryWaitMs = anthropic.maxRetryWaitMs;
  if (anthropic.streamIdleTimeoutMs !== undefined) options.streamIdleTimeoutMs = anthropic.streamIdleTimeoutMs;
  if (anthropic.maxInputTokensPerRequest) options.maxInputTokensPerRequest = anthropic.maxInputTokensPerRequest;
  if (anthropic.countTokens !== undefined) options.countTokens = anthropic.countTokens;
  if (anthropic.stream !== undefined) options.stream = anthropic.stream;
  if (anthropic.defaultHeaders) options.defaultHeaders = anthropic.defaultHeaders;
  if (anthropic.betas?.length) options.betas = anthropic.betas;
  if (anthropic.stopAfterIdenticalBadRequests !== undefined) options.stopAfterIdenticalBadRequests = anthropic.stopAfterIdenticalBadRequests;
  if (shared.limiter) options.limiter = shared.limiter;
  return options;
}
