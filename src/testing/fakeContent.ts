/**
 * Validation of a Messages request's content, as the API does it: system blocks, turns and their
 * content blocks (text, documents, images, tool calls and tool results), tool definitions, tool
 * choice, and prompt-caching marks (at most four, a 1-hour mark never after a 5-minute one, in the
 * order tools → system → messages). Each problem is worded like the API's 400 message, with the
 * path of the offending field.
 */
import { MAX_IMAGE_BYTES, sniffMediaType } from '../prompts/attachments.js';
import { CACHE_TTLS } from '../providers/requestParams.js';

export const MAX_CACHE_BREAKPOINTS = 4;
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const TOOL_FIELDS = new Set(['name', 'description', 'input_schema', 'cache_control', 'type', 'strict', 'input_examples', 'defer_loading', 'eager_input_streaming', 'allowed_callers']);
const TOOL_CHOICE_TYPES = ['auto', 'any', 'tool', 'none'];
/** The fields of each request block type the fake checks in detail (SDK 1.12 `*BlockParam` types). */
const BLOCK_FIELDS: Record<string, ReadonlySet<string>> = {
  text: new Set(['type', 'text', 'cache_control', 'citations']),
  image: new Set(['type', 'source', 'cache_control', 'transformations']),
  document: new Set(['type', 'source', 'cache_control', 'citations', 'context', 'title']),
  tool_use: new Set(['type', 'id', 'name', 'input', 'cache_control', 'caller', 'toolset_name']),
  tool_result: new Set(['type', 'tool_use_id', 'content', 'is_error', 'cache_control', 'toolset_name']),
};
/** What a tool result's content may hold; the first four are checked in detail. */
const TOOL_RESULT_BLOCKS = ['text', 'image', 'document', 'search_result', 'tool_reference', 'browser_state'];

/** The first field of a block its type does not have, as the API words it. */
function extraFieldProblem(block: Json, path: string): string | undefined {
  const known = BLOCK_FIELDS[String(block.type)];
  const extra = known && Object.keys(block).find((field) => !known.has(field));
  return extra === undefined ? undefined : `${path}.${String(block.type)}.${extra}: Extra inputs are not permitted`;
}

/** Block types the fake checks in detail; other API block types are accepted as they are. */
const CHECKED_BLOCKS = new Set(['text', 'image', 'document', 'tool_use', 'tool_result']);
const KNOWN_BLOCKS = new Set([
  ...CHECKED_BLOCKS,
  'thinking',
  'redacted_thinking',
  'search_result',
  'server_tool_use',
  'web_search_tool_result',
  'container_upload',
  'tool_reference',
  'browser_state',
]);

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first content problem of a request, as the API's message; undefined when it is fine. */
export function contentProblem(request: Json): string | undefined {
  return systemProblem(request.system) ?? toolsProblem(request.tools) ?? toolChoiceProblem(request) ?? messagesProblem(request.messages) ?? cacheControlProblem(request);
}

function systemProblem(system: unknown): string | undefined {
  if (!Array.isArray(system)) return undefined;
  for (const [i, block] of system.entries()) {
    if (!isObject(block) || block.type !== 'text') return `system.${i}.type: Input should be 'text'`;
    const problem = extraFieldProblem(block, `system.${i}`) ?? textBlockProblem(block, `system.${i}`);
    if (problem) return problem;
  }
  return undefined;
}

function textBlockProblem(block: Json, path: string): string | undefined {
  if (typeof block.text !== 'string') return `${path}.text: Field required`;
  if (block.text === '') return `${path}: text content blocks must be non-empty`;
  if (block.text.trim() === '') return `${path}: text content blocks must contain non-whitespace text`;
  return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
}

/** Allowed values as the API's messages list them: `'a' or 'b'`, or `one of 'a', 'b', 'c'`. */
export function allowedText(values: readonly string[]): string {
  const quoted = values.map((value) => `'${value}'`);
  return quoted.length === 2 ? quoted.join(' or ') : `one of ${quoted.join(', ')}`;
}

export const isOneOf = (values: readonly string[], value: unknown): boolean => typeof value === 'string' && values.includes(value);

function cacheMarkProblem(mark: unknown, path: string): string | undefined {
  if (mark === undefined || mark === null) return undefined;
  if (!isObject(mark) || mark.type !== 'ephemeral') return `${path}.type: Input should be 'ephemeral'`;
  const extra = Object.keys(mark).find((field) => field !== 'type' && field !== 'ttl');
  if (extra !== undefined) return `${path}.${extra}: Extra inputs are not permitted`;
  if (mark.ttl !== undefined && !isOneOf(CACHE_TTLS, mark.ttl)) return `${path}.ttl: Input should be ${allowedText(CACHE_TTLS)}`;
  return undefined;
}

function toolsProblem(tools: unknown): string | undefined {
  if (tools === undefined) return undefined;
  if (!Array.isArray(tools)) return 'tools: Input should be a valid list';
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (!isObject(tool)) return `tools.${i}: Input should be an object`;
    if (tool.type !== undefined && tool.type !== null && tool.type !== 'custom') continue; // server tools have their own shapes
    const path = `tools.${i}.custom`;
    for (const field of Object.keys(tool)) if (!TOOL_FIELDS.has(field)) return `${path}.${field}: Extra inputs are not permitted`;
    if (typeof tool.name !== 'string' || !TOOL_NAME.test(tool.name)) return `${path}.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`;
    if (names.has(tool.name)) return 'tools: Tool names must be unique.';
    names.add(tool.name);
    if (tool.description !== undefined && typeof tool.description !== 'string') return `${path}.description: Input should be a valid string`;
    if (!isObject(tool.input_schema)) return `${path}.input_schema: Field required`;
    if (tool.input_schema.type !== 'object') return `${path}.input_schema.type: Input should be 'object'`;
    const mark = cacheMarkProblem(tool.cache_control, `${path}.cache_control`);
    if (mark) return mark;
  }
  return undefined;
}

function toolChoiceProblem(request: Json): string | undefined {
  const choice = request.tool_choice;
  if (choice === undefined || choice === null) return undefined;
  if (!isObject(choice) || !TOOL_CHOICE_TYPES.includes(String(choice.type))) {
    return "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'";
  }
  const fields = choice.type === 'none' ? ['type'] : choice.type === 'tool' ? ['type', 'name', 'disable_parallel_tool_use'] : ['type', 'disable_parallel_tool_use'];
  const extra = Object.keys(choice).find((field) => !fields.includes(field));
  if (extra !== undefined) return `tool_choice.${String(choice.type)}.${extra}: Extra inputs are not permitted`;
  if (choice.type === 'tool' && typeof choice.name !== 'string') return 'tool_choice.tool.name: Field required';
  if (choice.disable_parallel_tool_use !== undefined && typeof choice.disable_parallel_tool_use !== 'boolean') {
    return `tool_choice.${String(choice.type)}.disable_parallel_tool_use: Input should be a valid boolean`;
  }
  return undefined;
}

/** A forced tool choice needs the tool it forces (checked after what the model accepts, as the API does). */
export function toolChoiceTargetProblem(request: Json): string | undefined {
  const choice = request.tool_choice;
  if (!isObject(choice) || (choice.type !== 'any' && choice.type !== 'tool')) return undefined;
  const tools = Array.isArray(request.tools) ? (request.tools as Json[]) : [];
  if (tools.length === 0) return 'tool_choice: tool_choice may only be specified while providing tools';
  if (choice.type === 'tool' && !tools.some((tool) => tool.name === choice.name)) return `tool_choice: Tool '${String(choice.name)}' not found in tools`;
  return undefined;
}

function messagesProblem(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined; // the shape check reports it
  const list = messages as Json[];
  for (const [i, message] of list.entries()) {
    const content = message.content;
    const last = i === list.length - 1;
    if (typeof content === 'string') {
      if (content === '' && !(last && message.role === 'assistant')) {
        return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
      }
      continue;
    }
    const blocks = content as unknown[];
    if (blocks.length === 0 && !(last && message.role === 'assistant')) {
      return `messages.${i}: all messages must have non-empty content except for the optional final assistant message`;
    }
    for (const [j, block] of blocks.entries()) {
      const problem = blockProblem(block, `messages.${i}.content.${j}`, message.role === 'assistant');
      if (problem) return problem;
      // Tool results open their turn: any text or other content comes after them.
      if (j > 0 && (block as Json).type === 'tool_result' && (blocks[j - 1] as Json).type !== 'tool_result') {
        return `messages.${i}.content.${j}: tool_result blocks must come first in a user message, before any other content`;
      }
    }
    const pairing = toolPairingProblem(list, i);
    if (pairing) return pairing;
  }
  const final = list.at(-1);
  if (final?.role === 'assistant' && /\s$/.test(finalText(final.content))) return 'messages: final assistant content cannot end with trailing whitespace';
  return undefined;
}

function finalText(content: unknown): string {
  if (typeof content === 'string') return content;
  const last = (content as Json[]).at(-1);
  return last?.type === 'text' && typeof last.text === 'string' ? last.text : '';
}

function blockProblem(block: unknown, path: string, assistant: boolean): string | undefined {
  if (!isObject(block) || typeof block.type !== 'string') return `${path}.type: Field required`;
  if (!KNOWN_BLOCKS.has(block.type)) return `${path}.type: Input tag '${block.type}' found using 'type' does not match any of the expected tags`;
  const extra = extraFieldProblem(block, path);
  if (extra) return extra;
  switch (block.type) {
    case 'text':
      return textBlockProblem(block, path);
    case 'image':
      if (assistant) return `${path}: image blocks are only allowed in user messages`;
      return imageProblem(block, `${path}.image`);
    case 'document':
      if (assistant) return `${path}: document blocks are only allowed in user messages`;
      return documentProblem(block, `${path}.document`);
    case 'tool_use':
      if (!assistant) return `${path}: tool_use blocks are only allowed in assistant messages`;
      if (typeof block.id !== 'string' || typeof block.name !== 'string') return `${path}.tool_use: id and name are required`;
      if (!isObject(block.input)) return `${path}.tool_use.input: Input should be an object`;
      return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
    case 'tool_result':
      if (assistant) return `${path}: tool_result blocks are only allowed in user messages`;
      return toolResultProblem(block, path);
    default:
      return undefined;
  }
}

function toolResultProblem(block: Json, path: string): string | undefined {
  if (typeof block.tool_use_id !== 'string') return `${path}.tool_result.tool_use_id: Field required`;
  if (Array.isArray(block.content)) {
    for (const [k, inner] of block.content.entries()) {
      if (!isObject(inner) || !TOOL_RESULT_BLOCKS.includes(String(inner.type))) {
        return `${path}.tool_result.content.${k}.type: Input should be ${TOOL_RESULT_BLOCKS.map((type) => `'${type}'`).join(', ')}`;
      }
      const problem = blockProblem(inner, `${path}.tool_result.content.${k}`, false);
      if (problem) return problem;
    }
  } else if (block.content !== undefined && typeof block.content !== 'string') {
    return `${path}.tool_result.content: Input should be a string or a list of content blocks`;
  }
  return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
}

/** Every tool_result answers a tool_use of the message just before it; every tool_use is answered in the next message. */
function toolPairingProblem(messages: Json[], i: number): string | undefined {
  const ids = (message: Json | undefined, type: string, field: string): string[] =>
    Array.isArray(message?.content) ? (message.content as Json[]).filter((b) => b?.type === type).map((b) => String(b[field])) : [];
  const results = ids(messages[i], 'tool_result', 'tool_use_id');
  if (results.length > 0) {
    const calls = new Set(messages[i - 1]?.role === 'assistant' ? ids(messages[i - 1], 'tool_use', 'id') : []);
    const unexpected = results.filter((id) => !calls.has(id));
    if (unexpected.length > 0) {
      return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${unexpected.join(', ')}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
    }
  }
  const next = messages[i + 1];
  if (messages[i]?.role === 'assistant' && next) {
    const answered = new Set(ids(next, 'tool_result', 'tool_use_id'));
    const unanswered = ids(messages[i], 'tool_use', 'id').filter((id) => !answered.has(id));
    if (unanswered.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${unanswered.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`;
    }
  }
  return undefined;
}

function base64Bytes(data: unknown, path: string): Buffer | string {
  if (typeof data !== 'string' || data === '') return `${path}.data: Field required`;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0) return `${path}.data: Input should be valid base64`;
  return Buffer.from(data, 'base64');
}

function imageProblem(block: Json, path: string): string | undefined {
  const source = block.source;
  if (!isObject(source)) return `${path}.source: Field required`;
  if (source.type === 'url' || source.type === 'file') return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
  if (source.type !== 'base64') return `${path}.source.type: Input should be 'base64', 'url' or 'file'`;
  const sourcePath = `${path}.source.base64`;
  if (!(IMAGE_MEDIA_TYPES as readonly unknown[]).includes(source.media_type)) {
    return `${sourcePath}.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`;
  }
  const bytes = base64Bytes(source.data, sourcePath);
  if (typeof bytes === 'string') return bytes;
  if (bytes.length > MAX_IMAGE_BYTES) return `${sourcePath}: image exceeds 5 MB maximum: ${bytes.length} bytes > ${MAX_IMAGE_BYTES} bytes`;
  const actual = sniffMediaType(bytes);
  if (actual !== source.media_type) {
    return `${sourcePath}.data: The image was specified using the ${String(source.media_type)} media type, but the image appears to be ${actual ? `a ${actual}` : 'an unsupported'} image`;
  }
  return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
}

function documentProblem(block: Json, path: string): string | undefined {
  const source = block.source;
  if (!isObject(source)) return `${path}.source: Field required`;
  if (source.type === 'base64') {
    if (source.media_type !== 'application/pdf') return `${path}.source.base64.media_type: Input should be 'application/pdf'`;
    const bytes = base64Bytes(source.data, `${path}.source.base64`);
    if (typeof bytes === 'string') return bytes;
    if (sniffMediaType(bytes) !== 'application/pdf') return `${path}.source.base64.data: The PDF specified was not valid.`;
  } else if (source.type === 'text') {
    if (source.media_type !== 'text/plain') return `${path}.source.text.media_type: Input should be 'text/plain'`;
    if (typeof source.data !== 'string') return `${path}.source.text.data: Field required`;
  } else if (!['content', 'url', 'file'].includes(String(source.type))) {
    return `${path}.source.type: Input should be 'base64', 'text', 'content', 'url' or 'file'`;
  }
  const citations = block.citations;
  if (citations !== undefined && citations !== null && (!isObject(citations) || (citations.enabled !== undefined && typeof citations.enabled !== 'boolean'))) {
    return `${path}.citations.enabled: Input should be a valid boolean`;
  }
  for (const field of ['title', 'context'] as const) {
    if (block[field] !== undefined && block[field] !== null && typeof block[field] !== 'string') return `${path}.${field}: Input should be a valid string`;
  }
  return cacheMarkProblem(block.cache_control, `${path}.cache_control`);
}

/** Every cache mark of a request, in the order the API processes them: tools, system, messages. */
export function cacheMarks(request: Json): Array<'5m' | '1h'> {
  const marks: Array<'5m' | '1h'> = [];
  const visit = (block: unknown) => {
    if (!isObject(block)) return;
    const mark = block.cache_control;
    if (isObject(mark)) marks.push(mark.ttl === '1h' ? '1h' : '5m');
    if (block.type === 'tool_result' && Array.isArray(block.content)) block.content.forEach(visit);
  };
  if (Array.isArray(request.tools)) request.tools.forEach(visit);
  if (Array.isArray(request.system)) request.system.forEach(visit);
  if (Array.isArray(request.messages)) {
    for (const message of request.messages as Json[]) if (Array.isArray(message.content)) message.content.forEach(visit);
  }
  return marks;
}

function cacheControlProblem(request: Json): string | undefined {
  const automatic = request.cache_control;
  const automaticProblem = cacheMarkProblem(automatic, 'cache_control');
  if (automaticProblem) return automaticProblem;
  const marks = cacheMarks(request);
  const count = marks.length + (isObject(automatic) ? 1 : 0);
  if (count > MAX_CACHE_BREAKPOINTS) return `A maximum of ${MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found ${count}.`;
  const firstShort = marks.indexOf('5m');
  if (firstShort >= 0 && marks.indexOf('1h', firstShort) > firstShort) {
    return "a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.";
  }
  return undefined;
}
