/**
 * Bodies the fake Messages API sends: messages, SSE event sequences and error envelopes. Answers
 * look like current models' answers: a thinking block first when the model thinks, the answer
 * split over several text blocks (so a client that reads only `content[0].text` gets the wrong
 * answer), tool calls as `tool_use` blocks after the text (stop reason `tool_use`), `max_tokens`
 * covering thinking plus answer, stop sequences honoured, prompt-cache reads and writes in the
 * usage, and `model_context_window_exceeded` when the answer runs into the end of the context window.
 */
import { estimateTokensOfChars, estimateTokensOfText } from '../providers/tokens.js';

export interface FakeUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

export interface FakeReply {
  text: string;
  stopReason?: string;
  stopDetails?: { category: string | null; explanation?: string | null };
  usage?: Partial<FakeUsage>;
  /** Thinking text when the model thinks; default: a short deterministic note. `null`: no thinking block. */
  thinking?: string | null;
  /**
   * The safety systems flagged the thinking: it is sent as a `redacted_thinking` block (encrypted
   * `data`, no text; streamed with no deltas). Its tokens still count as output.
   */
  redactedThinking?: boolean;
  /** Tools the answer calls, in order (`tool_use` blocks after the text); the stop reason becomes `tool_use`. */
  toolCalls?: Array<{ name: string; input: Record<string, unknown>; id?: string }>;
}

/** The subset of a Messages request body the fake reads. */
export interface MessagesRequestBody {
  model?: string;
  max_tokens?: number;
  system?: string | { type: string; text?: string }[];
  messages?: { role: string; content: string | { type: string; text?: string; source?: { type?: string; data?: string } }[] }[];
  stream?: boolean;
  stop_sequences?: string[];
  [key: string]: unknown;
}

export interface BuildOptions {
  /** The model thinks on this request (its default or the request's `thinking`). */
  thinking: boolean;
  /** `thinking.display: omitted`: the block is sent with an empty text. */
  thinkingOmitted?: boolean;
  /** The model's context window: an answer that would run past it stops with model_context_window_exceeded. */
  contextWindow?: number;
  /** Prompt-cache reads and writes of this request (from the fake's prompt cache). */
  cache?: { read: number; write5m: number; write1h: number };
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map(blockText).join('');
}

/** What a block counts as in the fake's tokenizer: its text, a text document's text, a tool result's text. */
function blockText(block: unknown): string {
  const value = block as { type?: unknown; text?: unknown; source?: { type?: unknown; data?: unknown }; content?: unknown; input?: unknown } | null;
  if (typeof value?.text === 'string') return value.text;
  if (value?.type === 'document' && value.source?.type === 'text' && typeof value.source.data === 'string') return value.source.data;
  if (value?.type === 'tool_result') return textOf(value.content);
  if (value?.type === 'tool_use') return JSON.stringify(value.input ?? {});
  return '';
}

/** Tokens of the binary parts of a request (PDFs and images count a token per four base64 characters) and of its tool definitions. */
function nonTextTokens(body: MessagesRequestBody): number {
  let chars = Array.isArray(body.tools) ? JSON.stringify(body.tools).length : 0;
  for (const message of body.messages ?? []) {
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (block.source?.type === 'base64' && typeof block.source.data === 'string') chars += block.source.data.length;
    }
  }
  return estimateTokensOfChars(chars);
}

/** Input tokens of a request as the fake counts them (count_tokens, usage, the context window). */
export function fakePromptTokens(body: MessagesRequestBody): number {
  return fakeTokenCount(promptText(body)) + nonTextTokens(body);
}

/** All prompt text of a request: system plus every message. */
export function promptText(body: MessagesRequestBody): string {
  const parts = [textOf(body.system)];
  for (const message of body.messages ?? []) parts.push(textOf(message.content));
  return parts.join('\n');
}

/** The fake's tokenizer: one token per four characters, rounded up (the client's own estimate). */
export function fakeTokenCount(text: string): number {
  return estimateTokensOfText(text);
}

export function defaultReply(body: MessagesRequestBody): FakeReply {
  const last = body.messages?.at(-1);
  return { text: `echo: ${textOf(last?.content)}` };
}

/** The default thinking note: short, so it fits small max_tokens budgets, and deterministic. */
export function defaultThinking(body: MessagesRequestBody): string {
  return `The user wrote ${promptText(body).length} characters.`;
}

let messageCounter = 0;

/** Cuts a string to at most `tokens` fake tokens without splitting a surrogate pair. */
function cutToTokens(text: string, tokens: number): string {
  const chars = Math.max(0, tokens) * 4;
  if (text.length <= chars) return text;
  let end = chars;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** Two text blocks for any answer of two or more characters (one for structured output). */
function textBlocks(text: string, single: boolean): Record<string, unknown>[] {
  if (text === '') return [];
  if (single || text.length < 2) return [{ type: 'text', text, citations: null }];
  let middle = Math.floor(text.length / 2);
  const code = text.charCodeAt(middle - 1);
  if (code >= 0xd800 && code <= 0xdbff) middle += 1;
  return [
    { type: 'text', text: text.slice(0, middle), citations: null },
    { type: 'text', text: text.slice(middle), citations: null },
  ];
}

/** The answer up to the first stop sequence it contains, and that sequence. */
function applyStopSequences(text: string, stops: string[] | undefined): { text: string; stop?: string } {
  let best: { index: number; stop: string } | undefined;
  for (const stop of stops ?? []) {
    const index = text.indexOf(stop);
    if (index >= 0 && (!best || index < best.index)) best = { index, stop };
  }
  return best ? { text: text.slice(0, best.index), stop: best.stop } : { text };
}

export function buildMessage(body: MessagesRequestBody, reply: FakeReply, options: BuildOptions = { thinking: false }): Record<string, unknown> {
  messageCounter += 1;
  const promptTokens = fakePromptTokens(body);
  const cache = options.cache ?? { read: 0, write5m: 0, write1h: 0 };
  const inputTokens = reply.usage?.input_tokens ?? Math.max(0, promptTokens - cache.read - cache.write5m - cache.write1h);
  const maxTokens = typeof body.max_tokens === 'number' ? body.max_tokens : Number.POSITIVE_INFINITY;
  const windowLeft = options.contextWindow !== undefined ? options.contextWindow - promptTokens : Number.POSITIVE_INFINITY;
  const budget = Math.min(maxTokens, windowLeft);
  const budgetReason = windowLeft < maxTokens ? 'model_context_window_exceeded' : 'max_tokens';

  const toolCalls = reply.toolCalls ?? [];
  let stopReason = reply.stopReason ?? (toolCalls.length > 0 ? 'tool_use' : 'end_turn');
  let stopSequence: string | null = null;
  const thinkingWanted = options.thinking && reply.thinking !== null && stopReason !== 'refusal';
  let thinking = thinkingWanted ? (reply.thinking ?? defaultThinking(body)) : undefined;
  let thinkingTokens = thinking !== undefined ? Math.max(1, fakeTokenCount(thinking)) : 0;
  if (thinking !== undefined && thinkingTokens > budget) {
    thinking = cutToTokens(thinking, budget);
    thinkingTokens = budget;
    stopReason = budgetReason;
  }

  let text = reply.text;
  if (stopReason === 'end_turn') {
    const stopped = applyStopSequences(text, body.stop_sequences);
    if (stopped.stop !== undefined) {
      text = stopped.text;
      stopSequence = stopped.stop;
      stopReason = 'stop_sequence';
    }
  }
  const textBudget = budget - thinkingTokens;
  if (fakeTokenCount(text) > textBudget) {
    text = cutToTokens(text, textBudget);
    stopReason = budgetReason;
  }
  if (budget <= thinkingTokens && thinking !== undefined) text = '';

  const content: Record<string, unknown>[] = [];
  if (thinking !== undefined) {
    content.push(
      reply.redactedThinking
        ? { type: 'redacted_thinking', data: Buffer.from(`redacted:${thinking}`).toString('base64') }
        : { type: 'thinking', thinking: options.thinkingOmitted ? '' : thinking, signature: `sig_fake_${messageCounter}` },
    );
  }
  content.push(...textBlocks(text, body.output_config !== undefined && (body.output_config as { format?: unknown }).format != null));
  // Tool calls survive only an answer that ended by calling them (not one cut at max_tokens).
  const calls = stopReason === 'tool_use' ? toolCalls : [];
  for (const [i, call] of calls.entries()) {
    content.push({ type: 'tool_use', id: call.id ?? `toolu_fake_${messageCounter}_${i}`, name: call.name, input: call.input, caller: { type: 'direct' } });
  }
  const toolTokens = calls.reduce((total, call) => total + fakeTokenCount(JSON.stringify(call.input)), 0);

  const outputTokens = reply.usage?.output_tokens ?? Math.max(1, thinkingTokens + fakeTokenCount(text) + toolTokens);
  const writes = cache.write5m + cache.write1h;
  const usage: FakeUsage = {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? writes,
    cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? cache.read,
  };
  const scripted = reply.usage?.cache_creation_input_tokens !== undefined;
  return {
    id: `msg_fake_${messageCounter.toString().padStart(6, '0')}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'unknown',
    content,
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details:
      stopReason === 'refusal'
        ? { type: 'refusal', category: reply.stopDetails?.category ?? null, explanation: reply.stopDetails?.explanation ?? null }
        : null,
    container: null,
    diagnostics: null,
    usage: {
      ...usage,
      cache_creation: scripted
        ? { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens ?? 0, ephemeral_1h_input_tokens: 0 }
        : { ephemeral_5m_input_tokens: cache.write5m, ephemeral_1h_input_tokens: cache.write1h },
      inference_geo: typeof body.inference_geo === 'string' && body.inference_geo !== 'global' ? body.inference_geo : null,
      output_tokens_details: thinking !== undefined ? { thinking_tokens: thinkingTokens } : null,
      server_tool_use: null,
      service_tier: 'standard',
      speed: body.speed === 'fast' ? 'fast' : null,
    },
  };
}

export function errorBody(type: string, message: string, errorCode?: string): Record<string, unknown> {
  const error: Record<string, unknown> = { type, message };
  if (errorCode) error.details = { error_code: errorCode };
  return { type: 'error', error, request_id: null };
}

export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The API's keep-alive record: clients skip it. */
const PING = sse('ping', { type: 'ping' });

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

/**
 * The SSE records of a streamed message in the API's order: message_start and a ping, then per
 * content block content_block_start, its deltas (thinking_delta + signature_delta, or text_delta),
 * and content_block_stop (a ping after the first of several blocks); then message_delta and
 * message_stop. With `failure`, the stream ends after that many deltas with an `error` event of
 * that type (`overloaded_error`, `api_error`).
 */
export function streamEvents(message: Record<string, unknown>, failure?: { afterDeltas: number; type: string }): string[] {
  const failAfterDeltas = failure?.afterDeltas;
  const errorEvent = () => sse('error', errorBody(failure?.type ?? 'overloaded_error', failure?.type === 'api_error' ? 'Internal server error' : 'Overloaded'));
  const content = message.content as { type: string; text?: string; thinking?: string; signature?: string; id?: string; name?: string; input?: unknown }[];
  const usage = message.usage as FakeUsage & { output_tokens_details?: unknown };
  const events = [
    sse('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_sequence: null, stop_details: null, usage: { ...usage, output_tokens: 1 } },
    }),
    PING,
  ];
  let deltas = 0;
  const failed = () => failAfterDeltas !== undefined && deltas >= failAfterDeltas;
  for (const [index, block] of content.entries()) {
    if (block.type === 'thinking') {
      events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const piece of chunksOf(block.thinking ?? '', 16)) {
        if (failed()) break;
        events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: piece } }));
        deltas += 1;
      }
      if (!failed()) events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } }));
    } else if (block.type === 'redacted_thinking') {
      events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: block }));
    } else if (block.type === 'tool_use') {
      events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } } }));
      for (const piece of chunksOf(JSON.stringify(block.input ?? {}), 16)) {
        if (failed()) break;
        events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } }));
        deltas += 1;
      }
    } else {
      events.push(sse('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '', citations: null } }));
      for (const piece of chunksOf(block.text ?? '', 16)) {
        if (failed()) break;
        events.push(sse('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
        deltas += 1;
      }
    }
    if (failed()) {
      events.push(errorEvent());
      return events;
    }
    events.push(sse('content_block_stop', { type: 'content_block_stop', index }));
    // A keep-alive between blocks (after the thinking), as the API sends now and again.
    if (index === 0 && content.length > 1) events.push(PING);
  }
  if (failAfterDeltas !== undefined) {
    events.push(errorEvent());
    return events;
  }
  events.push(
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence, stop_details: message.stop_details, container: null },
      usage: {
        output_tokens: usage.output_tokens,
        input_tokens: usage.input_tokens,
        cache_creation_input_tokens: usage.cache_creation_input_tokens ?? null,
        cache_read_input_tokens: usage.cache_read_input_tokens ?? null,
        output_tokens_details: usage.output_tokens_details ?? null,
        server_tool_use: null,
      },
    }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return events;
}
