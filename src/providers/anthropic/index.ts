/** The Anthropic provider and its batch client. Importing this module does not load the SDK. */
export { checkAnthropicModels, createAnthropicProvider } from './provider.js';
export type { ModelCheck } from './provider.js';
export type { ModelFacts } from './modelFacts.js';
export { anthropicOptionsFromConfig } from './configOptions.js';
export type { AnthropicProviderOptions, ApiKeySource } from './client.js';
export { classifyAnthropicError } from './errors.js';
export type { ClassifyContext } from './errors.js';
export { acceptsSamplingParams, buildMessageParams, SAMPLING_PARAMS } from './params.js';
export { redactSecrets } from './secrets.js';
export {
  createBatchClient,
  chunkBatchLines,
  BatchSubmitError,
  MAX_BATCH_BYTES,
  MAX_REQUESTS_PER_BATCH,
} from './batch.js';
export type { BatchClient, BatchClientOptions, BatchCounts, BatchItem, BatchProgress, BatchResult, ResultsOptions, SubmitOptions } from './batch.js';
export { attemptTimeoutMs, expectedGenerationMs, needsStreaming, sampleBudgetMs } from './client.js';
