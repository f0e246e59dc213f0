/**
 * From n judgements of one output to one score: per-criterion means, the overall mean normalized
 * to 0..1, its spread across judgements, and the pass decision.
 *
 * Pass rules (unless a `threshold` on the 0..1 score is given):
 * - pass-fail: every criterion passes in more than half of the judgements (with one judgement:
 *   every criterion passes);
 * - 1-5: the mean level over all criteria and judgements is at least 4.
 */
import type { Rubric } from './criteria.js';
import type { Judgement } from './parse.js';

export const DEFAULT_PASSING_LEVEL = 4;

export interface CriterionSummary {
  id: string;
  /** pass-fail: share of judgements that pass it. 1-5: mean level. */
  mean: number;
  /** The judge's value per judgement (1/0 or the level). */
  values: number[];
  /** Reasoning of the first judgement. */
  reasoning: string;
  pass: boolean;
}

export interface Aggregate {
  /** 0..1 */
  score: number;
  pass: boolean;
  /** Each judgement's own 0..1 score. */
  perJudgement: number[];
  stdev: number;
  min: number;
  max: number;
  /** 1-5 only: the mean level over criteria and judgements. */
  meanLevel?: number;
  criteria: CriterionSummary[];
}

/** One judgement's score: mean criterion score, each normalized to 0..1. */
export function judgementScore(judgement: Judgement, rubric: Rubric): number {
  const values = judgement.criteria.map((c) => normalized(c.value, rubric));
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function normalized(value: number, rubric: Rubric): number {
  return rubric.scale === 'pass-fail' ? value : (value - 1) / 4;
}

export function aggregateJudgements(judgements: readonly Judgement[], rubric: Rubric, threshold?: number): Aggregate {
  if (judgements.length === 0) throw new RangeError('aggregateJudgements needs at least one judgement');
  const perJudgement = judgements.map((j) => judgementScore(j, rubric));
  const score = mean(perJudgement);
  const criteria = rubric.criteria.map((criterion, index): CriterionSummary => {
    const values = judgements.map((j) => j.criteria[index]!.value);
    const average = mean(values);
    return {
      id: criterion.id,
      mean: round(average),
      values,
      reasoning: judgements[0]!.criteria[index]!.reasoning,
      pass: rubric.scale === 'pass-fail' ? average > 0.5 : average >= DEFAULT_PASSING_LEVEL,
    };
  });
  const aggregate: Aggregate = {
    score: round(score),
    pass: false,
    perJudgement: perJudgement.map(round),
    stdev: round(stdev(perJudgement)),
    min: round(Math.min(...perJudgement)),
    max: round(Math.max(...perJudgement)),
    criteria,
  };
  if (rubric.scale === '1-5') aggregate.meanLevel = round(1 + 4 * score);
  if (threshold !== undefined) aggregate.pass = score >= threshold - 1e-12;
  else if (rubric.scale === 'pass-fail') aggregate.pass = criteria.every((c) => c.pass);
  else aggregate.pass = (aggregate.meanLevel ?? 0) >= DEFAULT_PASSING_LEVEL - 1e-12;
  return aggregate;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Population standard deviation: the spread of these judgements, not an estimate of a wider one. */
export function stdev(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  return Math.sqrt(values.reduce((total, v) => total + (v - m) ** 2, 0) / values.length);
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
