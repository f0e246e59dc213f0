/** The replay provider: answers from recordings on disk, offline and free. */
import { relative } from 'node:path';
import { generationKey } from './requestKey.js';
import { readRecordingsIfAny, type RecordedGeneration } from './recordingFile.js';
import { ProviderError, type GenerateContext, type Generation, type GenerationRequest, type Provider } from './types.js';

export interface ReplayOptions {
  /** Computes the cost of recorded usage with today's prices. */
  priceOf?: (request: GenerationRequest, generation: Generation) => number | undefined;
  /** What prompt caching saved on the recorded usage, with today's prices. */
  cacheSavedOf?: (request: GenerationRequest, generation: Generation) => number | undefined;
  /** How to tell the user to record a missing response. */
  recordHint?: string;
}

export async function createReplayProvider(file: string, options: ReplayOptions = {}): Promise<Provider> {
  const recordings = await readRecordingsIfAny(file);
  const shownPath = relative(process.cwd(), file) || file;
  return {
    id: 'replay',
    async generate(request: GenerationRequest, context: GenerateContext): Promise<Generation> {
      const key = generationKey(request, context.repeat);
      const entry = recordings?.get(key);
      if (!entry) throw replayMiss(request, context, key, recordings ? shownPath : `${shownPath} (there is no such file)`, options.recordHint);
      return toGeneration(entry, request, options);
    },
  };
}

function toGeneration(entry: RecordedGeneration, request: GenerationRequest, options: ReplayOptions): Generation {
  const { response } = entry;
  const generation: Generation = {
    text: response.text,
    stopReason: response.stopReason,
    latencyMs: response.latencyMs,
    attempts: 1,
  };
  if (response.stopDetails) generation.stopDetails = response.stopDetails;
  if (response.usage) generation.usage = response.usage;
  if (response.model) generation.model = response.model;
  if (response.toolCalls?.length) generation.toolCalls = response.toolCalls;
  if (response.thinking) generation.thinking = response.thinking;
  if (response.stopSequence) generation.stopSequence = response.stopSequence;
  if (response.streamed) generation.streamed = true;
  if (response.ttftMs !== undefined) generation.ttftMs = response.ttftMs;
  const cost = options.priceOf?.(request, generation);
  if (cost !== undefined) generation.costUsd = cost;
  const saved = options.cacheSavedOf?.(request, generation);
  if (saved !== undefined) generation.cacheSavedUsd = saved;
  return generation;
}

function replayMiss(
  request: GenerationRequest,
  context: GenerateContext,
  key: string,
  file: string,
  hint = 'record it with: promptgold run <suite> --provider anthropic --record',
): ProviderError {
  return new ProviderError(
    'replay_miss',
    `no recorded response in ${file} for case ${context.caseId}, ${context.promptId} ${context.promptVersion}, ` +
      `model ${request.model}, repeat ${context.repeat} (key ${key.slice(0, 12)}); ${hint}. ` +
      'A recording no longer matches when the template, the case vars or max_tokens changed.',
  );
}
