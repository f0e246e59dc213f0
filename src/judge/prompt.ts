/**
 * The judge's request: a fixed system text, the rubric, the task and the output to grade, and a
 * JSON Schema for the answer (sent as structured output). The schema puts `reasoning` before the
 * verdict of each criterion, so the judge argues first and decides second.
 */
import type { GenerationRequest } from '../providers/types.js';
import { asText } from '../scoring/text.js';
import type { Criterion, Rubric } from './criteria.js';

export const JUDGE_SYSTEM = [
  'You are a careful, impartial grader of AI outputs.',
  'You grade one output against a rubric. Judge only what each criterion asks; do not reward length, confidence or style the rubric does not ask for.',
  'For every criterion, first write your reasoning (quote the output where it helps), then give the verdict.',
  'If the output is empty or does not attempt the task, it fails every criterion (lowest level on a 1-5 scale).',
  'Answer with the JSON object requested, nothing else.',
].join('\n');

export interface GradingInput {
  /** What the model was asked (the rendered prompt), so the judge can check the output against it. */
  task: string;
  output: string;
  /** A reference answer, when the rubric asks the judge to use one. */
  reference?: unknown;
}

export function describeCriterion(criterion: Criterion): string {
  const lines = [`### ${criterion.id}`, criterion.description];
  if (criterion.pass) lines.push(`- Pass: ${criterion.pass}`);
  if (criterion.fail) lines.push(`- Fail: ${criterion.fail}`);
  criterion.levels?.forEach((anchor, index) => lines.push(`- ${index + 1}: ${anchor}`));
  return lines.join('\n');
}

export function describeRubric(rubric: Rubric): string {
  const scale =
    rubric.scale === 'pass-fail'
      ? 'Each criterion is pass or fail.'
      : 'Each criterion is scored 1 (worst) to 5 (best); use the anchor that fits best.';
  return [rubric.intro ?? '', scale, ...rubric.criteria.map(describeCriterion)].filter(Boolean).join('\n\n');
}

export function gradingPrompt(rubric: Rubric, input: GradingInput): string {
  const parts = [
    '<rubric>',
    describeRubric(rubric),
    '</rubric>',
    '',
    '<task>',
    input.task,
    '</task>',
  ];
  if (input.reference !== undefined) parts.push('', '<reference>', asText(input.reference), '</reference>');
  parts.push('', '<output>', input.output, '</output>', '', 'Grade the output against every criterion of the rubric.');
  return parts.join('\n');
}

/** Structured-output schema: `{ criteria: [{ id, reasoning, verdict | score }], overall }`. */
export function gradingSchema(rubric: Rubric): Record<string, unknown> {
  const decision =
    rubric.scale === 'pass-fail'
      ? { verdict: { type: 'string', enum: ['pass', 'fail'] } }
      : { score: { type: 'integer', enum: [1, 2, 3, 4, 5] } };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['criteria', 'overall'],
    properties: {
      criteria: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'reasoning', ...Object.keys(decision)],
          properties: {
            id: { type: 'string', enum: rubric.criteria.map((c) => c.id) },
            reasoning: { type: 'string' },
            ...decision,
          },
        },
      },
      overall: { type: 'string', description: 'One sentence: the main reason for the grade.' },
    },
  };
}

export function gradingRequest(rubric: Rubric, input: GradingInput, model: string, maxTokens: number): GenerationRequest {
  return {
    model,
    system: JUDGE_SYSTEM,
    messages: [{ role: 'user', content: gradingPrompt(rubric, input) }],
    maxTokens,
    outputSchema: gradingSchema(rubric),
  };
}

export const PAIRWISE_SYSTEM = [
  'You are a careful, impartial judge comparing two AI outputs for the same task.',
  'Decide which output better meets the rubric as a whole. The order in which the outputs are shown is random and means nothing; length is not quality.',
  'Write your reasoning first, then your preference: "A", "B", or "tie" when neither is clearly better.',
  'Answer with the JSON object requested, nothing else.',
].join('\n');

export function pairwiseSchema(): Record<string, unknown> {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['reasoning', 'preference'],
    properties: {
      reasoning: { type: 'string' },
      preference: { type: 'string', enum: ['A', 'B', 'tie'] },
    },
  };
}

export function pairwiseRequest(rubric: Rubric, task: string, first: string, second: string, model: string, maxTokens: number): GenerationRequest {
  const content = [
    '<rubric>',
    describeRubric(rubric),
    '</rubric>',
    '',
    '<task>',
    task,
    '</task>',
    '',
    '<output_a>',
    first,
    '</output_a>',
    '',
    '<output_b>',
    second,
    '</output_b>',
    '',
    'Which output better meets the rubric?',
  ].join('\n');
  return { model, system: PAIRWISE_SYSTEM, messages: [{ role: 'user', content }], maxTokens, outputSchema: pairwiseSchema() };
}
