/**
 * The guard on a request before it is sent, one for the live provider and the batch client: a
 * request to a retired model, over the per-request input ceiling (maxInputTokensPerRequest), whose
 * counted prompt alone exceeds the model's context window, or asking more max_tokens than the
 * model allows, is refused unsent (nothing billed).
 */
import { ESTIMATE_MARGIN } from '../tokens.js';
import { ProviderError, type GenerationRequest } from '../types.js';
import type { AnthropicProviderOptions } from './client.js';
import type { ModelFacts } from './modelFacts.js';

export interface InputLimits {
  /** maxInputTokensPerRequest. */
  ceiling: number | undefined;
  /** The model's context window (see ModelFacts). */
  contextWindow: number | undefined;
  /** The countTokens option: `true` counts every prompt, `false` none, unset those near a limit. */
  countTokens: boolean | undefined;
}

/** The input guard's limits for a request to a model with these facts. */
export function inputLimitsOf(options: Pick<AnthropicProviderOptions, 'maxInputTokensPerRequest' | 'countTokens'>, facts: Pick<ModelFacts, 'contextWindow'>): InputLimits {
  return { ceiling: options.maxInputTokensPerRequest, contextWindow: facts.contextWindow, countTokens: options.countTokens };
}

/** A prompt's input tokens: counted by count_tokens (exact), or the estimate. */
/** The part of a Messages request body that count_tokens takes: what decides the input's size. */
export function countTokensBody(body: Record<string, unknown>) {
  const { model, system, messages, output_config, thinking, tools, tool_choice } = body;
  return { model, system, messages, output_config, thinking, tools, tool_choice };
}

export interface InputTokens {
  tokens: number;
  exact: boolean;
}

/** Whether the prompt is counted with count_tokens before the guard decides, given its estimate. */
export function mustCountTokens(estimate: number, limits: InputLimits): boolean {
  if (limits.countTokens !== undefined) return limits.countTokens;
  const near = (limit: number | undefined) => limit !== undefined && estimate * ESTIMATE_MARGIN >= limit;
  return near(limits.ceiling) || near(limits.contextWindow);
}

/** Why a request for `model` with this input is not sent, or undefined when it may be. */
export function inputRefusal(model: string, input: InputTokens, limits: InputLimits): ProviderError | undefined {
  const { ceiling, contextWindow } = limits;
  if (ceiling !== undefined && input.tokens > ceiling) {
    return new ProviderError(
      'bad_request',
      `request not sent: ${input.exact ? '' : 'about '}${input.tokens} input tokens exceeds the per-request ceiling of ${ceiling} (maxInputTokensPerRequest)`,
      { attempts: 0 },
    );
  }
  // Only a counted prompt that alone exceeds the window is refused: one that leaves less room
  // than max_tokens is answered by the API, stopping at `model_context_window_exceeded`, and an
  // estimate is not sure enough to refuse on (the API answers a prompt that is too long with a 400).
  if (input.exact && contextWindow !== undefined && input.tokens > contextWindow) {
    return new ProviderError(
      'context_overflow',
      `request not sent: the prompt has ${input.tokens} input tokens (count_tokens), more than the ${contextWindow}-token context window of ${model}`,
      { attempts: 0 },
    );
  }
  return undefined;
}

/**
 * Why a request is not sent, or undefined when it may be: its model is retired (fatal: every
 * request to it would fail), its input is refused (inputRefusal), or it asks more max_tokens than
 * the model allows. That last one is the template's doing, met by every case alike: `sameForEveryCase`
 * makes its error, so the caller counts it in its streak of identical bad requests.
 */
export function requestRefusal(
  request: GenerationRequest,
  input: InputTokens,
  facts: Pick<ModelFacts, 'lifecycle' | 'contextWindow' | 'maxTokens'>,
  limits: InputLimits,
  sameForEveryCase: (message: string) => ProviderError,
): ProviderError | undefined {
  if (facts.lifecycle === 'retired') {
    return new ProviderError('not_found', `model "${request.model}" is retired (models.retrieve); choose a current model`, { attempts: 0, fatal: true });
  }
  const refusal = inputRefusal(request.model, input, limits);
  if (refusal) return refusal;
  if (facts.maxTokens !== undefined && request.maxTokens > facts.maxTokens) {
    return sameForEveryCase(`request not sent: max_tokens ${request.maxTokens} is more than ${request.model} allows (${facts.maxTokens}); lower max_tokens in the template's front matter`);
  }
  return undefined;
}
