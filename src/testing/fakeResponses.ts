/** Bodies the fake Messages API sends: messages, SSE event sequences and error envelopes. */

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
}

/** The subset of a Messages request body the fake reads. */
export interface MessagesRequestBody {
  model?: string;
  max_tokens?: number;
  system?: string | { type: string; text?: string }[];
  messages?: { role: string; content: string | { type: string; text?: string }[] }[];
  stream?: boolean;
  [key: string]: unknown;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => (typeof block?.text === 'string' ? block.text : '')).join('');
}

/** All prompt text of a request: system plus every message. */
export function promptText(body: MessagesRequestBody): string {
  const parts = [textOf(body.system)];
  for (const message of body.messages ?? []) parts.push(textOf(message.content));
  return parts.join('\n');
}

/** The fake's tokenizer: one token per four characters, rounded up. */
export function fakeTokenCount(text: string): number {
  return Math.ceil(text.length / 4);
}

export function defaultReply(body: MessagesRequestBody): FakeReply {
  const last = body.messages?.at(-1);
  return { text: `echo: ${textOf(last?.content)}` };
}

let messageCounter = 0;

export function buildMessage(body: MessagesRequestBody, reply: FakeReply): Record<string, unknown> {
  messageCounter += 1;
  const usage: FakeUsage = {
    input_tokens: reply.usage?.input_tokens ?? fakeTokenCount(promptText(body)),
    output_tokens: reply.usage?.output_tokens ?? Math.max(1, fakeTokenCount(reply.text)),
    cache_creation_input_tokens: reply.usage?.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: reply.usage?.cache_read_input_tokens ?? 0,
  };
  const stopReason = reply.stopReason ?? 'end_turn';
  return {
    id: `msg_fake_${messageCounter.toString().padStart(6, '0')}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'unknown',
    content: reply.text ? [{ type: 'text', text: reply.text, citations: null }] : [],
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details:
      stopReason === 'refusal'
        ? { type: 'refusal', category: reply.stopDetails?.category ?? null, explanation: reply.stopDetails?.explanation ?? null }
        : null,
    container: null,
    diagnostics: null,
    usage: {
      ...usage,
      cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens ?? 0, ephemeral_1h_input_tokens: 0 },
      inference_geo: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'standard',
      speed: null,
    },
  };
}

export function errorBody(type: string, message: string): Record<string, unknown> {
  return { type: 'error', error: { type, message }, request_id: null };
}

export function errorTypeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
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

function chunksOf(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

/**
 * The SSE records of a streamed message in the API's order: message_start, content_block_start,
 * content_block_delta…, content_block_stop, message_delta, message_stop. With `failAfterDeltas`,
 * the stream ends after that many deltas with an `error` event of type overloaded_error.
 */
export function streamEvents(message: Record<string, unknown>, failAfterDeltas?: number): string[] {
  const content = message.content as { text: string }[];
  const text = content.map((block) => block.text).join('');
  const usage = message.usage as FakeUsage;
  const events = [
    sse('message_start', {
      type: 'message_start',
      message: { ...message, content: [], stop_reason: null, stop_details: null, usage: { ...usage, output_tokens: 1 } },
    }),
    sse('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } }),
  ];
  const deltas = chunksOf(text, 16);
  for (const [i, piece] of deltas.entries()) {
    if (failAfterDeltas !== undefined && i >= failAfterDeltas) break;
    events.push(sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
  }
  if (failAfterDeltas !== undefined) {
    events.push(sse('error', errorBody('overloaded_error', 'Overloaded')));
    return events;
  }
  events.push(
    sse('content_block_stop', { type: 'content_block_stop', index: 0 }),
    sse('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null, stop_details: message.stop_details, container: null },
      usage: { output_tokens: usage.output_tokens, input_tokens: usage.input_tokens },
    }),
    sse('message_stop', { type: 'message_stop' }),
  );
  return events;
}
