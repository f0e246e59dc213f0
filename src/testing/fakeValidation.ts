/**
 * Request validation of the fake Messages API, in the API's order and wording style: the body's
 * shape first (unknown and missing fields, the types and ranges of its options), then its content
 * (system blocks, turns and content blocks, tools, tool choice, cache marks: see fakeContent.ts),
 * then what the model accepts (max_tokens, sampling parameters, thinking, forced tool choice,
 * prefill), then structured-output schemas. Each problem is a 400
 * `invalid_request_error` (404 `not_found_error` for an unknown model), as the API answers.
 */
import type { ThinkingType } from '../providers/pricing.js';
import { EFFORTS, MIN_THINKING_BUDGET, SAMPLING_PARAMS, SERVICE_TIERS, SPEEDS, THINKING_DISPLAYS, THINKING_FIELDS, THINKING_ON_TYPES } from '../providers/requestParams.js';
import { DEFAULT_MAX_TOKENS, lookupFakeModel, thinkingOf, type FakeModel } from './fakeModels.js';
import { allowedText, contentProblem, isOneOf, toolChoiceTargetProblem } from './fakeContent.js';
import { unsupportedSchemaConstruct } from './fakeSchema.js';

export interface RequestProblem {
  status: number;
  type: string;
  message: string;
}

/** Every top-level field of a Messages request (SDK 1.12 types, plus the sampling parameters older models accept). */
const MESSAGE_FIELDS = new Set([
  'model',
  'max_tokens',
  'messages',
  'system',
  'stop_sequences',
  'stream',
  'metadata',
  'output_config',
  'thinking',
  'tool_choice',
  'tools',
  'service_tier',
  'speed',
  'inference_geo',
  'cache_control',
  'container',
  'diagnostics',
  'temperature',
  'top_p',
  'top_k',
]);

/** count_tokens takes no max_tokens, no stream and no sampling parameters. */
const COUNT_FIELDS = new Set(['model', 'messages', 'system', 'thinking', 'tool_choice', 'tools', 'output_config', 'cache_control', 'speed']);

const invalid = (message: string): RequestProblem => ({ status: 400, type: 'invalid_request_error', message });

export type ValidatedRoute = 'messages' | 'count_tokens';

/** The first problem of a request body, or undefined when the API would accept it. */
export function validateRequest(body: unknown, models: Record<string, FakeModel>, route: ValidatedRoute): RequestProblem | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return invalid('request body: expected a JSON object');
  const request = body as Record<string, unknown>;
  const known = route === 'messages' ? MESSAGE_FIELDS : COUNT_FIELDS;
  for (const field of Object.keys(request)) {
    if (!known.has(field)) return invalid(`${field}: Extra inputs are not permitted`);
  }
  const required = route === 'messages' ? ['model', 'max_tokens', 'messages'] : ['model', 'messages'];
  for (const field of required) if (request[field] === undefined) return invalid(`${field}: Field required`);

  const shape = checkShape(request, route);
  if (shape) return shape;
  const content = contentProblem(request);
  if (content) return invalid(content);

  const model = lookupFakeModel(models, request.model);
  if (!model) return { status: 404, type: 'not_found_error', message: `model: ${String(request.model)}` };
  return checkModelAccepts(request, String(request.model), model) ?? checkOutputConfig(request.output_config) ?? citationsWithFormatProblem(request);
}

/** Whether any document of the request (in a turn or a tool result) asks for citations. */
function asksForCitations(blocks: unknown): boolean {
  if (!Array.isArray(blocks)) return false;
  return blocks.some((block: { type?: unknown; citations?: { enabled?: unknown } | null; content?: unknown } | null) => {
    if (block?.type === 'document' && block.citations?.enabled === true) return true;
    return block?.type === 'tool_result' && asksForCitations(block.content);
  });
}

/** Structured output constrains the answer to one JSON text, which citations (interleaved citation blocks) cannot be part of. */
function citationsWithFormatProblem(request: Record<string, unknown>): RequestProblem | undefined {
  const format = (request.output_config as { format?: unknown } | undefined)?.format;
  if (format === undefined || format === null) return undefined;
  const messages = request.messages as { content?: unknown }[];
  if (!messages.some((message) => asksForCitations(message.content))) return undefined;
  return invalid('Citations are not supported with structured outputs (output_config.format): disable citations on the documents or remove the format');
}

function checkShape(request: Record<string, unknown>, route: ValidatedRoute): RequestProblem | undefined {
  if (typeof request.model !== 'string' || request.model === '') return invalid('model: Input should be a valid string');
  if (route === 'messages') {
    const maxTokens = request.max_tokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens)) return invalid('max_tokens: Input should be a valid integer');
    if (maxTokens < 1) return invalid('max_tokens: Input should be greater than or equal to 1');
  }
  const messages = request.messages;
  if (!Array.isArray(messages) || messages.length === 0) return invalid('messages: at least one message is required');
  for (const [i, message] of messages.entries()) {
    const role = (message as { role?: unknown })?.role;
    if (role !== 'user' && role !== 'assistant') return invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    const content = (message as { content?: unknown }).content;
    if (typeof content !== 'string' && !Array.isArray(content)) return invalid(`messages.${i}.content: Input should be a string or a list of content blocks`);
  }
  if (request.system !== undefined && typeof request.system !== 'string' && !Array.isArray(request.system)) {
    return invalid('system: Input should be a string or a list of text blocks');
  }
  if (request.stream !== undefined && typeof request.stream !== 'boolean') return invalid('stream: Input should be a valid boolean');
  const options = requestOptionsProblem(request) ?? samplingValuesProblem(request);
  if (options) return options;
  if (request.stop_sequences !== undefined) {
    const stops = request.stop_sequences;
    if (!Array.isArray(stops) || !stops.every((s) => typeof s === 'string' && s.trim() !== '')) {
      return invalid('stop_sequences: each stop sequence must be a non-empty string');
    }
  }
  return undefined;
}

/** `metadata` (only `user_id`), `service_tier`, `speed` and `inference_geo`, typed as the API types them. */
function requestOptionsProblem(request: Record<string, unknown>): RequestProblem | undefined {
  const metadata = request.metadata;
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) return invalid('metadata: Input should be an object');
    const { user_id: userId, ...rest } = metadata as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) return invalid(`metadata.${extra}: Extra inputs are not permitted`);
    if (userId !== undefined && userId !== null && typeof userId !== 'string') return invalid('metadata.user_id: Input should be a valid string');
  }
  if (request.service_tier !== undefined && !isOneOf(SERVICE_TIERS, request.service_tier)) {
    return invalid(`service_tier: Input should be ${allowedText(SERVICE_TIERS)}`);
  }
  if (request.speed !== undefined && request.speed !== null && !isOneOf(SPEEDS, request.speed)) {
    return invalid(`speed: Input should be ${allowedText(SPEEDS)}`);
  }
  if (request.inference_geo !== undefined && request.inference_geo !== null && typeof request.inference_geo !== 'string') {
    return invalid('inference_geo: Input should be a valid string');
  }
  return undefined;
}

/**
 * The sampling parameters' types and ranges (temperature and top_p 0 to 1, top_k a whole number 0
 * or more), checked with the body's shape: before, and whatever, the model takes.
 */
function samplingValuesProblem(request: Record<string, unknown>): RequestProblem | undefined {
  for (const name of SAMPLING_PARAMS) {
    const value = request[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return invalid(`${name}: Input should be a valid ${name === 'top_k' ? 'integer' : 'number'}`);
    if (name === 'top_k' && !Number.isInteger(value)) return invalid(`${name}: Input should be a valid integer, got a number with a fractional part`);
    if (value < 0) return invalid(`${name}: Input should be greater than or equal to 0`);
    if (name !== 'top_k' && value > 1) return invalid(`${name}: Input should be less than or equal to 1`);
  }
  return undefined;
}

function checkModelAccepts(request: Record<string, unknown>, id: string, model: FakeModel): RequestProblem | undefined {
  const maxAllowed = model.maxTokens ?? DEFAULT_MAX_TOKENS;
  const maxTokens = request.max_tokens;
  if (typeof maxTokens === 'number' && maxTokens > maxAllowed) {
    return invalid(`max_tokens: ${maxTokens} > ${maxAllowed}, which is the maximum allowed number of output tokens for ${id}`);
  }
  if (model.acceptsSamplingParams === false) {
    if (request.temperature !== undefined && request.temperature !== 1) {
      return invalid(`temperature: ${id} does not support a non-default temperature; leave it unset`);
    }
    for (const name of ['top_p', 'top_k'] as const) {
      if (request[name] !== undefined) return invalid(`${name}: ${id} does not support ${name}; leave it unset`);
    }
  }
  // Current models take temperature or top_p, not both, whatever their values.
  if (request.temperature !== undefined && request.top_p !== undefined && model.acceptsTemperatureWithTopP !== true) {
    return invalid('temperature and top_p cannot both be specified for this model. Please use only one.');
  }
  const thinking = thinkingProblem(request, id, model) ?? thinkingCompatibilityProblem(request, model);
  if (thinking) return thinking;
  const target = toolChoiceProblem(request, id, model) ?? toolChoiceTargetProblem(request);
  if (target) return typeof target === 'string' ? invalid(target) : target;
  return prefillProblem(request, model);
}

/** The lowest `top_p` a model takes while it thinks. */
const MIN_TOP_P_WITH_THINKING = 0.95;

/**
 * What thinking (asked for, or the model's default) is not compatible with, on models that
 * otherwise take it: a temperature other than 1, top_k, a top_p below 0.95 (and a prefill: see
 * prefillProblem).
 */
function thinkingCompatibilityProblem(request: Record<string, unknown>, model: FakeModel): RequestProblem | undefined {
  if (!thinkingIsOn(request, model)) return undefined;
  if (request.temperature !== undefined && request.temperature !== 1) {
    return invalid('temperature: may only be set to 1 when thinking is enabled; leave it unset or turn thinking off');
  }
  if (request.top_k !== undefined) return invalid('top_k: top_k is not available when thinking is enabled');
  if (request.top_p !== undefined && !(typeof request.top_p === 'number' && request.top_p >= MIN_TOP_P_WITH_THINKING)) {
    return invalid(`top_p: must be greater than or equal to ${MIN_TOP_P_WITH_THINKING} or unset when thinking is enabled`);
  }
  return undefined;
}

/** Whether the request's thinking setting (or the model's default) makes the model think. */
export function thinkingIsOn(request: Record<string, unknown>, model: FakeModel): boolean {
  const type = (request.thinking as { type?: unknown } | undefined)?.type ?? thinkingOf(model).default;
  return typeof type === 'string' && THINKING_ON_TYPES.has(type);
}

function thinkingProblem(request: Record<string, unknown>, id: string, model: FakeModel): RequestProblem | undefined {
  if (request.thinking === undefined) return undefined;
  const thinking = request.thinking as { type?: unknown; budget_tokens?: unknown; display?: unknown };
  if (typeof thinking !== 'object' || thinking === null) return invalid('thinking: Input should be an object');
  const accepted = thinkingOf(model).types;
  if (typeof thinking.type !== 'string' || !accepted.includes(thinking.type as never)) {
    return invalid(`thinking.type: ${JSON.stringify(thinking.type)} is not supported for ${id}; use one of: ${accepted.join(', ')}`);
  }
  const fields = THINKING_FIELDS[thinking.type as ThinkingType];
  const extra = Object.keys(thinking).find((field) => field !== 'type' && !fields.includes(field));
  if (extra !== undefined) return invalid(`thinking.${thinking.type}.${extra}: Extra inputs are not permitted`);
  if (thinking.type === 'enabled') {
    const budget = thinking.budget_tokens;
    if (typeof budget !== 'number' || !Number.isInteger(budget) || budget < MIN_THINKING_BUDGET) {
      return invalid(`thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`);
    }
    if (typeof request.max_tokens === 'number' && budget >= request.max_tokens) {
      return invalid('max_tokens must be greater than thinking.budget_tokens');
    }
  }
  if (thinking.display !== undefined && thinking.display !== null && !isOneOf(THINKING_DISPLAYS, thinking.display)) {
    return invalid(`thinking.display: Input should be ${allowedText(THINKING_DISPLAYS)}`);
  }
  return undefined;
}

function toolChoiceProblem(request: Record<string, unknown>, id: string, model: FakeModel): RequestProblem | undefined {
  const choice = request.tool_choice as { type?: unknown } | undefined;
  if (choice === undefined) return undefined;
  const forced = choice.type === 'any' || choice.type === 'tool';
  if (!forced) return undefined;
  if (model.acceptsForcedToolChoice === false) {
    return invalid(`tool_choice: type "${String(choice.type)}" is not supported for ${id}; use "auto" or "none", or structured outputs (output_config.format)`);
  }
  if (thinkingIsOn(request, model)) return invalid('Thinking may not be enabled when tool_choice forces tool use.');
  return undefined;
}

const hasBlock = (message: { content?: unknown } | undefined, type: string): boolean =>
  Array.isArray(message?.content) && (message.content as { type?: unknown }[]).some((block) => block?.type === type);

/**
 * The final assistant turn: a last turn from the assistant is a prefill, which Opus and Sonnet 4.6
 * and newer reject. While the model thinks, the final assistant turn must start with a thinking
 * block: a prefill never can, and with thinking `enabled` neither can the assistant turn of the
 * last tool loop (its `tool_use` answered by the final turn's `tool_result`).
 */
function prefillProblem(request: Record<string, unknown>, model: FakeModel): RequestProblem | undefined {
  const messages = request.messages as { role?: unknown; content?: unknown }[];
  const index = messages.findLastIndex((message) => message?.role === 'assistant');
  if (index < 0) return undefined;
  const prefill = index === messages.length - 1;
  if (prefill && model.acceptsPrefill === false) return invalid('This model does not support assistant message prefill. The conversation must end with a user message.');
  if (!thinkingIsOn(request, model)) return undefined;
  const type = (request.thinking as { type?: unknown } | undefined)?.type ?? thinkingOf(model).default;
  const toolLoop = index === messages.length - 2 && hasBlock(messages[index], 'tool_use') && hasBlock(messages[index + 1], 'tool_result');
  if (!prefill && !(toolLoop && type === 'enabled')) return undefined;
  const content = messages[index]!.content;
  const first = typeof content === 'string' ? (content === '' ? undefined : 'text') : (content as { type?: unknown }[])[0]?.type;
  if (first === undefined || first === 'thinking' || first === 'redacted_thinking') return undefined;
  return invalid(
    `messages.${index}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). To avoid this requirement, disable \`thinking\`.`,
  );
}

function checkOutputConfig(config: unknown): RequestProblem | undefined {
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'object' || Array.isArray(config)) return invalid('output_config: Input should be an object');
  const { effort, format, ...rest } = config as Record<string, unknown>;
  const extra = Object.keys(rest)[0];
  if (extra !== undefined) return invalid(`output_config.${extra}: Extra inputs are not permitted`);
  if (effort !== undefined && effort !== null && !isOneOf(EFFORTS, effort)) {
    return invalid(`output_config.effort: Input should be ${allowedText(EFFORTS)}`);
  }
  if (format === undefined || format === null) return undefined;
  const { type, schema, ...formatRest } = format as Record<string, unknown>;
  const formatExtra = Object.keys(formatRest)[0];
  if (formatExtra !== undefined) return invalid(`output_config.format.${formatExtra}: Extra inputs are not permitted`);
  if (type !== 'json_schema') return invalid("output_config.format.type: Input should be 'json_schema'");
  const problem = unsupportedSchemaConstruct(schema);
  if (problem) return invalid(`output_config.format.schema${problem.path ? ` at ${problem.path}` : ''}: ${problem.message}`);
  return undefined;
}
