/**
 * The kinds of error a sample can end with, and which of them leave it unscored. A sample is
 * *not scored* when the provider, a scorer or a judge failed: it says nothing about the prompt, so
 * it is left out of pass rates, counted on its own, and the `maxErrorRate` policy decides the exit
 * code. Errors that are the prompt's own doing (a context overflow, a request the API rejects, a
 * refusal) are scored as failures. A budget skip is neither: it (or every judgement a judge scorer
 * needed for it) was never sent, and `--resume` runs it later.
 */
import { isInfrastructureKind } from '../providers/types.js';

/** A scorer threw, timed out or could not read what it scores. */
export const SCORER_ERROR = 'scorer_error';
/** A judge (rubric, checklist gate) got no usable answer: it failed, refused or was cut off. */
export const JUDGE_ERROR = 'judge_error';
export const BUDGET_SKIP = 'budget';

export function isNotScoredKind(kind: string): boolean {
  return kind === SCORER_ERROR || kind === JUDGE_ERROR || isInfrastructureKind(kind);
}

/**
 * Whether a sample line holds an answer (sent, or served from the response cache): every answer
 * given leaves its text, a request that got none leaves `output: null`. A budget skip with one was
 * stopped at a judge scorer's judgements, after its answer was paid for; one without was never sent.
 */
export function hasAnswer(sample: { output: string | null }): boolean {
  return sample.output !== null;
}
