/**
 * A cheap, SDK-free input-token estimate (about four characters per token) for pacing, cost
 * forecasts and the context-window guard. Exact counts come from the count_tokens endpoint.
 */
import type { GenerationRequest } from './types.js';

const CHARS_PER_TOKEN = 4;

export function estimateTokensOfText(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function estimateInputTokens(request: GenerationRequest): number {
  let chars = request.system?.length ?? 0;
  for (const message of request.messages) chars += message.content.length;
  if (request.outputSchema) chars += JSON.stringify(request.outputSchema).length;
  return Math.ceil(chars / CHARS_PER_TOKEN);
}
