/** Messages API response → Generation fields (answer text, tool calls, thinking, stop reason, usage, cost). */
import { cacheSavedUsd, costOfUsage, type ModelInfo } from '../pricing.js';
import type { Generation, TokenUsage, ToolCall } from '../types.js';

/** The parts of an SDK `Message` this module reads. */
export interface ApiMessage {
  model?: string;
  content?: { type: string; text?: string; thinking?: string; id?: string; name?: string; input?: unknown }[];
  stop_reason?: string | null;
  stop_sequence?: string | null;
  stop_details?: Record<string, unknown> | null;
  usage?: {
    input_tokens?: number | null;
    output_tokens?: number | null;
    cache_creation_input_tokens?: number | null;
    cache_read_input_tokens?: number | null;
    cache_creation?: { ephemeral_5m_input_tokens?: number; ephemeral_1h_input_tokens?: number } | null;
    output_tokens_details?: { thinking_tokens?: number | null } | null;
    service_tier?: string | null;
    speed?: string | null;
    inference_geo?: string | null;
  };
}

/** The answer is every text block joined; thinking and tool blocks are not part of it. */
export function answerText(message: ApiMessage): string {
  return (message.content ?? [])
    .filter((block) => block.type === 'text' && typeof block.text === 'string')
    .map((block) => block.text)
    .join('');
}

/** Every thinking block's text joined (empty when thinking was off or its display omitted). */
export function thinkingText(message: ApiMessage): string {
  return (message.content ?? [])
    .filter((block) => block.type === 'thinking' && typeof block.thinking === 'string')
    .map((block) => block.thinking)
    .join('\n\n');
}

/** The `tool_use` blocks, in the order the answer gave them. */
export function toolCallsOf(message: ApiMessage): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const block of message.content ?? []) {
    if (block.type !== 'tool_use' || typeof block.name !== 'string') continue;
    const call: ToolCall = { name: block.name, input: block.input ?? {} };
    if (typeof block.id === 'string') call.id = block.id;
    calls.push(call);
  }
  return calls;
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
  const thinkingTokens = usage.output_tokens_details?.thinking_tokens;
  if (thinkingTokens != null && thinkingTokens > 0) mapped.thinkingTokens = thinkingTokens;
  if (usage.speed && usage.speed !== 'standard') mapped.speed = usage.speed;
  if (usage.inference_geo && usage.inference_geo !== 'global') mapped.inferenceGeo = usage.inference_geo;
  return mapped;
}

/** Input tokens that count against the input-token rate limit: cache reads do not. */
export function rateLimitedInputTokens(usage: TokenUsage): number {
  return usage.inputTokens + (usage.cacheCreationInputTokens ?? 0);
}

/** Everything of a Generation that comes from the message itself. */
export function generationFromMessage(
  message: ApiMessage,
  info: ModelInfo | undefined,
  opts: { batch?: boolean; pricesAsOf?: string } = {},
): Omit<Generation, 'latencyMs'> {
  const generation: Omit<Generation, 'latencyMs'> = {
    text: answerText(message),
    stopReason: message.stop_reason ?? 'unknown',
    raw: message,
  };
  if (message.stop_details) generation.stopDetails = { ...message.stop_details };
  if (message.stop_sequence) generation.stopSequence = message.stop_sequence;
  const toolCalls = toolCallsOf(message);
  if (toolCalls.length > 0) generation.toolCalls = toolCalls;
  const thinking = thinkingText(message);
  if (thinking) generation.thinking = thinking;
  if (message.model) generation.model = message.model;
  if (message.usage) {
    generation.usage = toTokenUsage(message.usage);
    if (info) {
      generation.costUsd = costOfUsage(generation.usage, info, { batch: opts.batch ?? false });
      const saved = cacheSavedUsd(generation.usage, info, { batch: opts.batch ?? false });
      if (saved !== undefined) generation.cacheSavedUsd = saved;
      if (opts.pricesAsOf) generation.pricesAsOf = opts.pricesAsOf;
    }
  }
  return generation;
}
