/**
 * The canonical form of a request's content, used wherever a request is identified or kept: the
 * replay and response-cache keys, and the prompt store of a run. Documents and images appear by
 * content hash, media type and size — never their bytes — so a key or a stored prompt stays small
 * however large the PDF, and the same file always gives the same key. Plain strings and text-only
 * requests keep exactly the shape they always had, so existing keys do not change.
 */
import { sha256Hex } from '../canonical.js';
import type {
  BinarySource,
  CacheControl,
  ChatMessage,
  ContentBlock,
  GenerationRequest,
  PlainTextSource,
  TextBlock,
  ToolDefinition,
} from './types.js';

/** A document's or image's source as kept: its identity, not its data. */
export interface SourceIdentity {
  type: 'base64' | 'text';
  mediaType: string;
  sha256: string;
  bytes: number;
}

export type CanonicalBlock =
  | { type: 'text'; text: string; cacheControl?: CacheControl }
  | { type: 'document'; source: SourceIdentity; title?: string; context?: string; citations?: boolean; cacheControl?: CacheControl }
  | { type: 'image'; source: SourceIdentity; cacheControl?: CacheControl }
  | { type: 'tool_use'; id: string; name: string; input: unknown; cacheControl?: CacheControl }
  | { type: 'tool_result'; toolUseId: string; content?: string | CanonicalBlock[]; isError?: boolean; cacheControl?: CacheControl };

export interface CanonicalMessage {
  role: 'user' | 'assistant';
  content: string | CanonicalBlock[];
}

export interface CanonicalTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  cacheControl?: CacheControl;
}

/** The bytes a source stands for: decoded base64, or the UTF-8 text. */
export function sourceBytes(source: BinarySource | PlainTextSource): Buffer {
  return source.type === 'base64' ? Buffer.from(source.data, 'base64') : Buffer.from(source.data, 'utf8');
}

/** Content hash and size of a source, from what the renderer recorded or computed now. */
export function sourceIdentity(source: BinarySource | PlainTextSource): SourceIdentity {
  if (source.sha256 !== undefined && source.bytes !== undefined) {
    return { type: source.type, mediaType: source.mediaType, sha256: source.sha256, bytes: source.bytes };
  }
  const bytes = sourceBytes(source);
  return { type: source.type, mediaType: source.mediaType, sha256: sha256Hex(bytes), bytes: bytes.length };
}

function withCache<T extends object>(value: T, cacheControl: CacheControl | undefined): T & { cacheControl?: CacheControl } {
  return cacheControl ? { ...value, cacheControl: { ...cacheControl } } : value;
}

export function canonicalBlock(block: ContentBlock): CanonicalBlock {
  switch (block.type) {
    case 'text':
      return withCache({ type: 'text', text: block.text }, block.cacheControl);
    case 'document': {
      const document: CanonicalBlock = { type: 'document', source: sourceIdentity(block.source) };
      if (block.title !== undefined) document.title = block.title;
      if (block.context !== undefined) document.context = block.context;
      if (block.citations !== undefined) document.citations = block.citations;
      return withCache(document, block.cacheControl);
    }
    case 'image':
      return withCache({ type: 'image', source: sourceIdentity(block.source) }, block.cacheControl);
    case 'tool_use':
      return withCache({ type: 'tool_use', id: block.id, name: block.name, input: block.input }, block.cacheControl);
    case 'tool_result': {
      const result: CanonicalBlock = { type: 'tool_result', toolUseId: block.toolUseId };
      if (block.content !== undefined) result.content = typeof block.content === 'string' ? block.content : block.content.map(canonicalBlock);
      if (block.isError !== undefined) result.isError = block.isError;
      return withCache(result, block.cacheControl);
    }
  }
}

export function canonicalMessage(message: ChatMessage): CanonicalMessage {
  return { role: message.role, content: typeof message.content === 'string' ? message.content : message.content.map(canonicalBlock) };
}

export function canonicalSystem(system: string | TextBlock[]): string | CanonicalBlock[] {
  return typeof system === 'string' ? system : system.map(canonicalBlock);
}

export function canonicalTool(tool: ToolDefinition): CanonicalTool {
  const canonical: CanonicalTool = { name: tool.name, inputSchema: tool.inputSchema };
  if (tool.description !== undefined) canonical.description = tool.description;
  return withCache(canonical, tool.cacheControl);
}

/** True for a system that is present: a non-empty string, or at least one block. */
export function hasSystem(system: GenerationRequest['system']): system is string | TextBlock[] {
  return system !== undefined && system.length > 0;
}

/** The system as plain text (blocks joined by a blank line). */
export function systemText(system: GenerationRequest['system']): string {
  if (system === undefined) return '';
  return typeof system === 'string' ? system : system.map((block) => block.text).join('\n\n');
}

/** The text of a message's content: a string as is, text blocks joined (documents, images and tool blocks left out). */
export function contentText(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .map((block) => (block.type === 'text' ? block.text : ''))
    .filter((text) => text !== '')
    .join('\n\n');
}
