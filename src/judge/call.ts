/**
 * One judge call through a provider, turned into an outcome the scorers can count: the answer as
 * the caller reads it, or the reason it is unusable (provider error, refusal, truncation, an
 * answer the caller cannot read). An unusable answer is never cached, so asking again gets a new
 * one. Every call's tokens, cost and latency go into a JudgeUsage, kept apart from the generator's.
 */
import { errorMessage } from '../errors.js';
import type { GenerateContext, Generation, GenerationRequest, Provider } from '../providers/types.js';
import { isBudgetRefusal, ProviderError } from '../providers/types.js';
import type { JudgeUsage } from '../scoring/types.js';

/** What the caller makes of an answer's text: its value, or why it cannot be used. */
export type AnswerReading<T> = { ok: true; value: T } | { ok: false; reason: string };

export type JudgeCallOutcome<T> =
  | { ok: true; value: T }
  /**
   * `errored`: the provider failed (no answer at all). `unscored`: it answered, unusably.
   * `notSent`: the budget refused the call (errored, nothing sent or billed).
   */
  | { ok: false; kind: 'errored' | 'unscored'; reason: string; notSent?: ProviderError };

export function emptyJudgeUsage(): JudgeUsage {
  return { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, latencyMs: 0, cached: 0 };
}

export function addGenerationUsage(usage: JudgeUsage, generation: Generation | undefined): void {
  usage.calls += 1;
  if (!generation) return;
  if (generation.cached) {
    usage.cached += 1;
    return; // a cache hit costs nothing and took no model time
  }
  usage.inputTokens += (generation.usage?.inputTokens ?? 0) + (generation.usage?.cacheCreationInputTokens ?? 0) + (generation.usage?.cacheReadInputTokens ?? 0);
  usage.outputTokens += generation.usage?.outputTokens ?? 0;
  usage.costUsd += generation.costUsd ?? 0;
  usage.latencyMs += Math.round(generation.latencyMs);
}

export function mergeJudgeUsage(into: JudgeUsage, from: JudgeUsage): void {
  into.calls += from.calls;
  into.inputTokens += from.inputTokens;
  into.outputTokens += from.outputTokens;
  into.costUsd += from.costUsd;
  into.latencyMs += from.latencyMs;
  into.cached += from.cached;
}

/** Cost rounded so records stay byte-stable. */
export function roundedUsage(usage: JudgeUsage): JudgeUsage {
  return { ...usage, costUsd: Math.round(usage.costUsd * 1e9) / 1e9 };
}

export async function callJudge<T>(
  provider: Provider,
  request: GenerationRequest,
  context: GenerateContext,
  usage: JudgeUsage,
  read: (text: string) => AnswerReading<T>,
): Promise<JudgeCallOutcome<T>> {
  const readAnswer = (generation: Generation) => judgeAnswer(generation, request, read);
  let generation: Generation;
  try {
    generation = await provider.generate(request, { ...context, cacheable: (answer) => readAnswer(answer).ok });
  } catch (error) {
    if (context.signal.aborted) throw error;
    // A judge that will fail on every sample (bad key, unknown model, spend limit) stops the run.
    if (error instanceof ProviderError && error.fatal) throw error;
    // Not sent for the budget: not a call, and nothing to count.
    if (isBudgetRefusal(error)) return { ok: false, kind: 'errored', reason: `judge call: ${error.message}`, notSent: error };
    // An answer given and billed, then refused (bad_output), counts what it cost, as the budget counts it.
    addGenerationUsage(usage, error instanceof ProviderError ? error.generation : undefined);
    const kind = error instanceof ProviderError ? `${error.kind}: ` : '';
    return { ok: false, kind: 'errored', reason: `judge call failed (${kind}${errorMessage(error)})` };
  }
  addGenerationUsage(usage, generation);
  const answer = readAnswer(generation);
  return answer.ok ? answer : { ok: false, kind: 'unscored', reason: answer.reason };
}

/** A judge's answer as the caller reads it, or why it is unusable: refused, cut short, unreadable. */
function judgeAnswer<T>(generation: Generation, request: GenerationRequest, read: (text: string) => AnswerReading<T>): AnswerReading<T> {
  if (generation.stopReason === 'refusal') {
    const category = generation.stopDetails?.['category'];
    return { ok: false, reason: `judge refused${typeof category === 'string' ? ` (${category})` : ''}` };
  }
  if (generation.stopReason === 'max_tokens') {
    return { ok: false, reason: `judge answer truncated at max_tokens (${request.maxTokens}); raise the rubric's maxTokens` };
  }
  return read(generation.text);
}
