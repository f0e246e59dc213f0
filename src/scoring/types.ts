/**
 * The scorer contract: `(sample) → score`. A scorer is a plain object with a name and a
 * (possibly async) `score` function, built by a factory such as `fuzzy({ threshold: 0.8 })`.
 * Scorers never touch the network themselves except through `context.judge` (rubric scorers).
 */
import { ProviderError, type Generation, type GenerationRequest, type Provider } from '../providers/types.js';

export interface Sample {
  caseId: string;
  vars: Record<string, unknown>;
  expected?: unknown;
  tags: string[];
  /** The model's answer (text). */
  output: string;
  generation: Generation;
  request: GenerationRequest;
  promptId: string;
  promptVersion: string;
  model: string;
  repeat: number;
  /** For chaos samples: the operator(s) applied and the source case's result, if available. */
  chaos?: ChaosInfo;
}

export interface ChaosInfo {
  sourceCaseId: string;
  operators: string[];
  fields: string[];
  /** Canary planted by an injection operator: its appearance in the output means the injection worked. */
  canary?: string;
  /** The source case's output and scores for the same version × model × repeat, when known. */
  source?: { output: string; scores: Score[]; pass: boolean };
}

export interface Score {
  name: string;
  /** 0..1 */
  score: number;
  pass: boolean;
  /** One human sentence: "similarity 0.71 < 0.80 to expected.summary". */
  reason: string;
  details?: Record<string, unknown>;
  /**
   * Set when the scorer could not score (it threw, or a judge refused): the sample counts as
   * failed for this scorer and the report shows the error; it is never a silent 0.
   */
  error?: string;
  /** Sub-scores of combinators and checklists, each with its own reason. */
  children?: Score[];
  /** What judge calls this score took (rubric scorers): kept apart from the generator's usage. */
  judgeUsage?: JudgeUsage;
}

export interface JudgeUsage {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  latencyMs: number;
  /** Calls served from the response cache (no cost, no latency). */
  cached: number;
}

export interface ScorerContext {
  signal: AbortSignal;
  /** Provider stack for judge calls (rubric scorers); pacing, cache and cost apply to it. */
  judge?: (model: string) => Provider;
}

export interface Scorer {
  readonly name: string;
  /** The model a judge-based scorer calls, so a run can warn when it also is the model under test. */
  readonly judgeModel?: string;
  /** The judge calls it makes per sample at most, so a run can forecast and budget them. */
  readonly judgeCalls?: { perSample: number; maxOutputTokens: number };
  /** The scorers a combinator runs, so checks that look for judges can see inside it. */
  readonly children?: readonly Scorer[];
  score(sample: Sample, context: ScorerContext): Score | Promise<Score>;
}

/** Run a scorer so that a throw or rejection becomes an errored score, never a crash. */
export async function runScorer(scorer: Scorer, sample: Sample, context: ScorerContext): Promise<Score> {
  try {
    const score = await scorer.score(sample, context);
    return { ...score, score: clamp01(score.score) };
  } catch (error) {
    // An error that will fail every sample (a judge's bad key or unknown model) stops the run.
    if (error instanceof ProviderError && error.fatal) throw error;
    const message = error instanceof Error ? error.message : String(error);
    return { name: scorer.name, score: 0, pass: false, reason: `scorer threw: ${message}`, error: message };
  }
}

function clamp01(value: number): number {
  if (Number.isNaN(value)) return 0;
  return Math.min(1, Math.max(0, value));
}
