/** Messages API response → Generation fields (answer text, stop reason, usage, cost). */
import { costOfUsage, type ModelInfo } from '../pricing.js';
import type { Generation, TokenUsage } from '../types.js';

/** The parts of an SDK `Message` this module reads. */
export interface ApiMessage {
  model?: string;
  content?: { type: string; text?: string }[];
  stop_reason?: string | null;
  stop_details?: Record<string, unknown> | null;
  usage?: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
    service_tier?: string | null;
  };
}

/** The answer is every text block joined; thinking and tool blocks are not part of it. */
export function answerText(message: ApiMessage): string {
  return (message.content ?? [])
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('');
}

export function toTokenUsage(usage: NonNullable<ApiMessage['usage']>): TokenUsage {
  const mapped: TokenUsage = {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
  };
  if (usage.cache_creation_input_tokens != null) mapped.cacheCreationInputTokens = usage.cache_creation_input_tokens;
  if (usage.cache_read_input_tokens != null) mapped.cacheReadInputTokens = usage.cache_read_input_tokens;
  if (usage.cache_creation) {
    mapped.cacheCreation5mInputTokens = usage.cache_creation.ephemeral_5m_input_tokens ?? 0;
    mapped.cacheCreation1hInputTokens = usage.cache_creation.ephemeral_1h_input_tokens ?? 0;
  }
  if (usage.service_tier) mapped.serviceTier = usage.service_tier;
  return mapped;
}

/** Everything of a Generation that comes from the message itself. */
export function generationFromMessage(
  message: ApiMessage,
  info: ModelInfo | undefined,
  opts: { batch?: boolean } = {},
): Omit<Generation, 'latencyMs'> {
  const generation: Omit<Generation, 'latencyMs'> = {
    text: answerText(message),
    stopReason: message.stop_reason ?? 'unknown',
    raw: message,
  };
  if (message.stop_details) generation.stopDetails = { ...message.stop_details };
  if (message.model) generation.model = message.model;
  if (message.usage) {
    generation.usage = toTokenUsage(message.usage);
    if (info) generation.costUsd = costOfUsage(generation.usage, info, opts);
  }
  return generation;
}
