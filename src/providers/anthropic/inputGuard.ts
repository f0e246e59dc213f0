/**
 * The guard on a request's input before it is sent, one for the live provider and the batch
 * client: a request over the per-request input ceiling (maxInputTokensPerRequest), or whose
 * counted prompt alone exceeds the model's context window, is refused unsent (nothing billed).
 */
import { ESTIMATE_MARGIN } from '../tokens.js';
import { ProviderError } from '../types.js';

export interface InputLimits {
  /** maxInputTokensPerRequest. */
  ceiling: number | undefined;
  /** The model's context window (see ModelFacts). */
  contextWindow: number | undefined;
  /** The countTokens option: `true` counts every prompt, `false` none, unset those near a limit. */
  countTokens: boolean | undefined;
}

/** A prompt's input tokens: counted by count_tokens (exact), or the estimate. */
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
