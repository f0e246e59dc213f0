/**
 * A cheap, SDK-free input-token estimate (about four characters per token) for pacing, cost
 * forecasts and the context-window guard. Exact counts come from the count_tokens endpoint.
 * Documents and images are rough: a plain-text document counts by its text, a PDF by its size,
 * an image as a full-size one.
 */
import type { ContentBlock, GenerationRequest, TokenUsage } from './types.js';

const CHARS_PER_TOKEN = 4;
/**
 * Newer tokenizers count up to ~35-40% more tokens than the 4-characters-per-token estimate: a
 * prompt whose estimate, raised by this margin, still fits is sent without counting, and the
 * budget's worst case raises the estimate by it.
 */
export const ESTIMATE_MARGIN = 1.4;
/** A PDF page is text plus a page image; about a token per three bytes of PDF is a generous guess. */
const PDF_BYTES_PER_TOKEN = 3;
/** The API scales images to about 1.15 megapixels: at most about 1 600 tokens. */
const IMAGE_TOKENS = 1_600;
/** The tool-use instructions the API adds to the system prompt when tools are given. */
const TOOL_PROMPT_TOKENS = 350;

export function estimateTokensOfText(text: string): number {
  return estimateTokensOfChars(text.length);
}

export function estimateTokensOfChars(chars: number): number {
  return Math.ceil(chars / CHARS_PER_TOKEN);
}

export function estimateInputTokens(request: GenerationRequest): number {
  let chars = 0;
  let tokens = 0;
  const addBlock = (block: ContentBlock): void => {
    switch (block.type) {
      case 'text':
        chars += block.text.length;
        return;
      case 'document':
        if (block.source.type === 'text') chars += block.source.data.length;
        else tokens += Math.ceil((block.source.bytes ?? (block.source.data.length * 3) / 4) / PDF_BYTES_PER_TOKEN);
        return;
      case 'image':
        tokens += IMAGE_TOKENS;
        return;
      case 'tool_use':
        chars += JSON.stringify(block.input ?? {}).length + block.name.length;
        return;
      case 'tool_result':
        if (typeof block.content === 'string') chars += block.content.length;
        else block.content?.forEach(addBlock);
        return;
    }
  };
  if (typeof request.system === 'string') chars += request.system.length;
  else request.system?.forEach(addBlock);
  for (const message of request.messages) {
    if (typeof message.content === 'string') chars += message.content.length;
    else message.content.forEach(addBlock);
  }
  if (request.outputSchema) chars += JSON.stringify(request.outputSchema).length;
  if (request.tools?.length) {
    chars += JSON.stringify(request.tools).length;
    tokens += TOOL_PROMPT_TOKENS;
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + tokens;
}

/**
 * Estimated tokens of the longest prefix a request marks for prompt caching (everything up to and
 * including its last cache mark, in the API's order: tools, system, messages), or undefined when
 * it marks nothing.
 */
export function markedPrefixTokens(request: GenerationRequest): number | undefined {
  let chars = 0;
  let marked: number | undefined;
  const mark = (block: { cacheControl?: unknown }) => {
    if (block.cacheControl) marked = chars;
  };
  for (const tool of request.tools ?? []) {
    chars += JSON.stringify(tool).length;
    mark(tool);
  }
  if (typeof request.system === 'string') chars += request.system.length;
  for (const block of typeof request.system === 'string' ? [] : (request.system ?? [])) {
    chars += block.text.length;
    mark(block);
  }
  for (const message of request.messages) {
    if (typeof message.content === 'string') {
      chars += message.content.length;
      continue;
    }
    for (const block of message.content) {
      chars += CHARS_PER_TOKEN * estimateInputTokens({ model: request.model, maxTokens: 0, messages: [{ role: message.role, content: [block] }] });
      mark(block);
    }
  }
  return marked === undefined ? undefined : Math.ceil(marked / CHARS_PER_TOKEN);
}

/**
 * All input tokens of a request: uncached input plus cache writes plus cache reads. (Here rather
 * than in pricing.ts so readers of records, such as `compare`, need not load the price table's
 * schema library.)
 */
export function totalInputTokens(usage: TokenUsage): number {
  return usage.inputTokens + (usage.cacheCreationInputTokens ?? 0) + (usage.cacheReadInputTokens ?? 0);
}
