/**
 * The judge: every model-graded decision. `rubric()` grades one output against criteria,
 * `checklist()` holds the rubric's deterministic items, `pairwiseJudge()` prefers one of two
 * outputs (asked in both orders), and calibration (calibration/, behind `promptgold calibrate`)
 * measures a rubric judge against human labels. All of them show the judge the task through
 * `judgeTaskText`.
 */
export { checklist, countWords } from './checklist.js';
export type { ChecklistItem, ChecklistOptions, ChecklistScorer } from './checklist.js';
export { rubric, isRubricScorer, loadRubric, JUDGE_REPEAT_STRIDE } from './rubric.js';
export type { JudgementAttempt, JudgementSet, RubricOptions, RubricScorer } from './rubric.js';
export { criteriaFromInput } from './criteria.js';
export type { Criterion, CriterionInput, Rubric, RubricScale } from './criteria.js';
export { parseRubricMarkdown, readRubricFile } from './rubricFile.js';
export { aggregateJudgements, judgementScore } from './aggregate.js';
export type { Aggregate, CriterionSummary } from './aggregate.js';
export type { Judgement, CriterionVerdict } from './parse.js';
export { pairwiseJudge } from './pairwise.js';
export type { PairwiseInput, PairwiseOptions, PairwiseResult, PairwiseCase, PairwiseOutcome, OrderJudgement } from './pairwise.js';
