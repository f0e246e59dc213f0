/**
 * The key of a generation in recordings and the response cache: a hash of the canonical request
 * plus the repeat index. The repeat index is part of the key so that repeats stay independent
 * samples instead of copies of the first answer.
 */
import { sha256Hex, stableStringify } from '../canonical.js';
import type { GenerationRequest } from './types.js';

export function canonicalRequest(request: GenerationRequest): GenerationRequest {
  const canonical: GenerationRequest = {
    model: request.model,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    maxTokens: request.maxTokens,
  };
  if (request.system !== undefined && request.system !== '') canonical.system = request.system;
  if (request.stopSequences && request.stopSequences.length > 0) canonical.stopSequences = [...request.stopSequences];
  if (request.params && Object.keys(request.params).length > 0) canonical.params = request.params;
  if (request.outputSchema) canonical.outputSchema = request.outputSchema;
  return canonical;
}

export function generationKey(request: GenerationRequest, repeat: number): string {
  return sha256Hex(stableStringify({ request: canonicalRequest(request), repeat }));
}
