/**
 * Endings that look like answers but are not the answer asked for: a refusal, an answer cut at
 * max_tokens, and a context-window stop (the model's, or the local guard's before sending). The run
 * summary counts them per cell and `compare` per side, by this one rule.
 */
import type { SampleRecord } from './types.js';

export type StopKind = 'refusal' | 'maxTokens' | 'contextWindow';

export function stopKindOf(sample: Pick<SampleRecord, 'stopReason' | 'error'>): StopKind | undefined {
  if (sample.stopReason === 'refusal') return 'refusal';
  if (sample.stopReason === 'max_tokens') return 'maxTokens';
  if (sample.stopReason === 'model_context_window_exceeded' || sample.error?.kind === 'context_overflow') return 'contextWindow';
  return undefined;
}
