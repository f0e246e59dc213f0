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

/**
 * A golden sample whose answer was a refusal: it fails whatever its scorers said of the text it
 * has (a refusal can stop an answer halfway), since a refusal is never a pass of the prompt. A
 * chaos sample keeps its invariants' rule (`handledGracefully` may allow a refusal).
 */
export function isGoldenRefusal(sample: { stopReason: string | null; chaos?: unknown }): boolean {
  return sample.stopReason === 'refusal' && !sample.chaos;
}

/**
 * Why a refused golden sample failed, from its stop reason and category: the failure digest, the
 * run's JUnit and `--verbose` give it beside (before) any failing scorer's reason.
 */
export function goldenRefusalReason(sample: Pick<SampleRecord, 'stopDetails'>): string {
  return `stop reason refusal (category ${refusalCategory(sample)}): a refusal fails a golden case whatever its scores`;
}

/** The category the API gave a refusal (`stop_details.category`), or `unspecified`. */
export function refusalCategory(sample: Pick<SampleRecord, 'stopDetails'>): string {
  const category = sample.stopDetails?.['category'];
  return typeof category === 'string' ? category : 'unspecified';
}
