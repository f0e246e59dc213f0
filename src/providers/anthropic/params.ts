/**
 * GenerationRequest → Messages API request body. Template parameters the model would reject
 * (sampling parameters on models newer than Opus 4.6, and on any model while it thinks: a
 * temperature other than 1, top_k, a top_p below 0.95; top_p beside a temperature on 4.5 and
 * newer), that the API does not know, or that the request already expresses (`max_tokens`,
 * `system` …) are left out and reported, so a record says exactly what was sent. An output schema goes through the SDK's own structured-output helper, which rewrites
 * it into the subset the API accepts (constraints it cannot enforce become descriptions); the
 * answer is then checked against the original schema.
 */
import { errorMessage } from '../../errors.js';
import { hasSystem } from '../content.js';
import { thinkingOn, type ModelInfo } from '../pricing.js';
import { ProviderError, type CacheControl, type ChatMessage, type ContentBlock, type DocumentBlock, type GenerationRequest, type ImageBlock, type TextBlock, type ToolChoice, type ToolDefinition } from '../types.js';
import { PASS_THROUGH_PARAMS, REQUEST_OWN_FIELDS, SAMPLING_PARAMS } from '../requestParams.js';
import type { OutputFormatBuilder } from './client.js';

export { SAMPLING_PARAMS };

/**
 * Already expressed by GenerationRequest's own fields: when repeated in `params` (a caller of the
 * library API; a prompt file refuses them at load) they are not sent and are reported as dropped.
 */
const EXPRESSED_ELSEWHERE: ReadonlySet<string> = new Set(REQUEST_OWN_FIELDS);

const MODEL_ID = /^claude-(opus|sonnet|haiku|fable|mythos)-(\d+)(?:-(\d+))?(?:-\d{8})?$/;

/**
 * Whether a model accepts temperature / top_p / top_k: from the table when the model is listed,
 * otherwise from its id (every 5.x model and Opus 4.7 onwards reject them).
 */
export function acceptsSamplingParams(modelId: string, info?: ModelInfo): boolean {
  if (info?.acceptsSamplingParams !== undefined) return info.acceptsSamplingParams;
  const match = MODEL_ID.exec(modelId);
  if (!match) return true;
  const major = Number(match[2]);
  const minor = Number(match[3] ?? 0);
  if (major >= 5) return false;
  return !(match[1] === 'opus' && major === 4 && minor >= 7);
}

/**
 * Whether a model takes temperature and top_p in one request: Claude 4.5 models, Opus 4.1 and
 * newer take one or the other (the API answers 400), older models both. An id that is not a
 * Claude model id is taken to accept them, as in acceptsSamplingParams.
 */
export function acceptsTemperatureWithTopP(modelId: string): boolean {
  const match = MODEL_ID.exec(modelId);
  if (!match) return true;
  const major = Number(match[2]);
  // `claude-sonnet-4-20250514`: the eight digits are a date, not a minor version.
  const minor = match[3] !== undefined && match[3].length <= 2 ? Number(match[3]) : 0;
  if (major !== 4) return major < 4;
  return minor < (match[1] === 'opus' ? 1 : 5);
}

/** The lowest top_p a model takes while it thinks. */
const MIN_TOP_P_WITH_THINKING = 0.95;

/**
 * A sampling parameter's value that thinking rejects (the API answers 400): a temperature other
 * than 1, any top_k, a top_p below 0.95.
 */
function rejectedWhileThinking(name: string, value: unknown): boolean {
  if (name === 'temperature') return value !== 1;
  if (name === 'top_p') return !(typeof value === 'number' && value >= MIN_TOP_P_WITH_THINKING);
  return true;
}

export interface MessageParams {
  body: Record<string, unknown>;
  droppedParams: string[];
}

/** Without the SDK's helper (unit tests of the mapping): the schema as written. */
const AS_WRITTEN: OutputFormatBuilder = (schema) => ({ type: 'json_schema', schema });

/**
 * The request body, and the parameters left out of it. An output schema the SDK's helper rejects
 * (it takes only an object schema) throws a fatal bad_request, live and in a batch alike: every
 * sample of the prompt version would fail the same way, so the run stops with nothing sent.
 */
export function buildMessageParams(request: GenerationRequest, info?: ModelInfo, outputFormat: OutputFormatBuilder = AS_WRITTEN): MessageParams {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages.map(apiMessage),
  };
  if (hasSystem(request.system)) {
    body.system = typeof request.system === 'string' ? request.system : request.system.map(apiTextBlock);
  }
  if (request.stopSequences?.length) body.stop_sequences = request.stopSequences;
  if (request.tools?.length) body.tools = request.tools.map(apiTool);
  if (request.toolChoice) body.tool_choice = apiToolChoice(request.toolChoice);

  const outputConfig: Record<string, unknown> = {};
  const droppedParams = placeParams(request, info, body, outputConfig);
  if (request.outputSchema) outputConfig.format = structuredOutputFormat(request.outputSchema, outputFormat);
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  return { body, droppedParams };
}

function structuredOutputFormat(schema: Record<string, unknown>, outputFormat: OutputFormatBuilder): ReturnType<OutputFormatBuilder> {
  try {
    return outputFormat(schema);
  } catch (error) {
    throw new ProviderError('bad_request', `the output schema cannot be sent as structured output: ${errorMessage(error)}`, { attempts: 0, fatal: true });
  }
}

/** The parameters the model would not take (sorted), without building the request body (a batch result's record). */
export function droppedParamsOf(request: GenerationRequest, info?: ModelInfo): string[] {
  return placeParams(request, info, {}, {});
}

/** Puts the request's extra parameters where the API expects them; returns those the model would not take, sorted. */
function placeParams(request: GenerationRequest, info: ModelInfo | undefined, body: Record<string, unknown>, outputConfig: Record<string, unknown>): string[] {
  const droppedParams: string[] = [];
  const sampling = acceptsSamplingParams(request.model, info);
  const thinking = sampling && thinkingOn(request.params, info);
  for (const [name, value] of Object.entries(request.params ?? {})) {
    if (value === undefined) continue;
    if (EXPRESSED_ELSEWHERE.has(name)) droppedParams.push(name);
    else if (name === 'effort') outputConfig.effort = value;
    else if (name === 'output_config' && typeof value === 'object' && value !== null) {
      const { format, ...rest } = value as Record<string, unknown>;
      Object.assign(outputConfig, rest);
      // The request's own output schema is the one sent (and checked against the answer).
      if (format !== undefined && request.outputSchema) droppedParams.push('output_config.format');
      else if (format !== undefined) outputConfig.format = format;
    } else if ((SAMPLING_PARAMS as readonly string[]).includes(name)) {
      if (sampling && !(thinking && rejectedWhileThinking(name, value))) body[name] = value;
      else droppedParams.push(name);
    } else if (PASS_THROUGH_PARAMS.includes(name)) body[name] = value;
    else droppedParams.push(name);
  }
  if (body.temperature !== undefined && body.top_p !== undefined && !acceptsTemperatureWithTopP(request.model)) {
    delete body.top_p;
    droppedParams.push('top_p');
  }
  return droppedParams.sort();
}

type ApiBlock = Record<string, unknown>;

function apiCacheControl(block: ApiBlock, cacheControl: CacheControl | undefined): ApiBlock {
  if (cacheControl) block.cache_control = cacheControl.ttl ? { type: 'ephemeral', ttl: cacheControl.ttl } : { type: 'ephemeral' };
  return block;
}

function apiMessage(message: ChatMessage): { role: string; content: string | ApiBlock[] } {
  return { role: message.role, content: typeof message.content === 'string' ? message.content : message.content.map(apiBlock) };
}

function apiTextBlock(block: TextBlock): ApiBlock {
  return apiCacheControl({ type: 'text', text: block.text }, block.cacheControl);
}

function apiDocument(block: DocumentBlock): ApiBlock {
  const document: ApiBlock = { type: 'document', source: { type: block.source.type, media_type: block.source.mediaType, data: block.source.data } };
  if (block.title !== undefined) document.title = block.title;
  if (block.context !== undefined) document.context = block.context;
  if (block.citations !== undefined) document.citations = { enabled: block.citations };
  return apiCacheControl(document, block.cacheControl);
}

function apiImage(block: ImageBlock): ApiBlock {
  return apiCacheControl({ type: 'image', source: { type: 'base64', media_type: block.source.mediaType, data: block.source.data } }, block.cacheControl);
}

/** One content block in the API's shape (snake_case, `cache_control`, sources without our hash and size). */
export function apiBlock(block: ContentBlock): ApiBlock {
  switch (block.type) {
    case 'text':
      return apiTextBlock(block);
    case 'document':
      return apiDocument(block);
    case 'image':
      return apiImage(block);
    case 'tool_use':
      return apiCacheControl({ type: 'tool_use', id: block.id, name: block.name, input: block.input }, block.cacheControl);
    case 'tool_result': {
      const result: ApiBlock = { type: 'tool_result', tool_use_id: block.toolUseId };
      if (block.content !== undefined) result.content = typeof block.content === 'string' ? block.content : block.content.map(apiBlock);
      if (block.isError !== undefined) result.is_error = block.isError;
      return apiCacheControl(result, block.cacheControl);
    }
  }
}

function apiTool(tool: ToolDefinition): ApiBlock {
  const api: ApiBlock = { name: tool.name, input_schema: tool.inputSchema };
  if (tool.description !== undefined) api.description = tool.description;
  return apiCacheControl(api, tool.cacheControl);
}

function apiToolChoice(choice: ToolChoice): ApiBlock {
  const api: ApiBlock = { type: choice.type };
  if (choice.type === 'tool') api.name = choice.name;
  if (choice.type !== 'none' && choice.disableParallelToolUse !== undefined) api.disable_parallel_tool_use = choice.disableParallelToolUse;
  return api;
}
