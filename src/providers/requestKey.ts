/**
 * The key of a generation in recordings and the response cache: a hash of the canonical request
 * plus the repeat index. The repeat index is part of the key so that repeats stay independent
 * samples instead of copies of the first answer.
 *
 * The canonical request covers every part of the request that shapes the answer or its usage —
 * system blocks and cache marks, turns and their content blocks (documents and images by content
 * hash, media type and size), tools, tool choice, streaming — and leaves out what is absent, so a
 * one-message text request has exactly the key it always had.
 */
import { sha256Hex, stableStringify } from '../canonical.js';
import { canonicalMessage, canonicalSystem, canonicalTool, hasSystem, type CanonicalBlock, type CanonicalMessage, type CanonicalTool } from './content.js';
import type { GenerationRequest, ToolChoice } from './types.js';

export interface CanonicalRequest {
  model: string;
  system?: string | CanonicalBlock[];
  messages: CanonicalMessage[];
  maxTokens: number;
  stopSequences?: string[];
  params?: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  tools?: CanonicalTool[];
  toolChoice?: ToolChoice;
  stream?: true;
}

export function canonicalRequest(request: GenerationRequest): CanonicalRequest {
  const canonical: CanonicalRequest = {
    model: request.model,
    messages: request.messages.map(canonicalMessage),
    maxTokens: request.maxTokens,
  };
  if (hasSystem(request.system)) canonical.system = canonicalSystem(request.system);
  if (request.stopSequences && request.stopSequences.length > 0) canonical.stopSequences = [...request.stopSequences];
  if (request.params && Object.keys(request.params).length > 0) canonical.params = request.params;
  if (request.outputSchema) canonical.outputSchema = request.outputSchema;
  if (request.tools && request.tools.length > 0) canonical.tools = request.tools.map(canonicalTool);
  if (request.toolChoice) canonical.toolChoice = request.toolChoice;
  // A streamed answer carries its time to first token: streamed and non-streamed recordings differ.
  if (request.stream === true) canonical.stream = true;
  return canonical;
}

export function generationKey(request: GenerationRequest, repeat: number): string {
  return sha256Hex(stableStringify({ request: canonicalRequest(request), repeat }));
}
