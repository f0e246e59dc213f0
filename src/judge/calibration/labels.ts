/** Which golden cases carry a human label for a rubric's scale, checked with `file:line` errors. */
import type { GoldenCase } from '../../datasets/types.js';
import { InputError } from '../../errors.js';
import type { RubricScale } from '../criteria.js';
import type { Label } from './types.js';

export interface LabeledCase {
  goldenCase: GoldenCase;
  label: Label;
  output?: string;
  note?: string;
}

/**
 * Cases with a label for `scale`: `human.pass` on pass-fail, `human.score` (1–5) on 1-5. A case
 * labelled only on the other scale is an input error unless a rubric of the suite uses that scale
 * (`suiteScales`): left out without a word, it would shrink the calibration the user asked for.
 */
export function labeledCases(cases: Iterable<GoldenCase>, scale: RubricScale, suiteScales: readonly RubricScale[] = [scale]): LabeledCase[] {
  const labeled: LabeledCase[] = [];
  for (const goldenCase of cases) {
    const human = goldenCase.human;
    if (!human || goldenCase.chaos) continue;
    const where = { file: goldenCase.origin.file, line: goldenCase.origin.line };
    const unusable = labelForNoRubric(human, scale, suiteScales);
    if (unusable) throw new InputError(unusable.message, { ...where, field: unusable.field }, unusable.hint);
    let label: Label | undefined;
    if (scale === 'pass-fail') label = human.pass;
    else if (human.score !== undefined) {
      if (!(Number.isInteger(human.score) && human.score >= 1 && human.score <= 5)) {
        throw new InputError(`human.score must be a whole number from 1 to 5, got ${human.score}`, { ...where, field: 'human.score' }, 'label the output with a level of the rubric\'s 1-5 scale');
      }
      label = human.score;
    }
    if (label === undefined) continue;
    if (human.output !== undefined && human.output.trim() === '') {
      throw new InputError('human.output is empty', { ...where, field: 'human.output' }, 'leave it out to label the suite\'s own output instead');
    }
    const entry: LabeledCase = { goldenCase, label };
    if (human.output !== undefined) entry.output = human.output;
    if (human.note !== undefined) entry.note = human.note;
    labeled.push(entry);
  }
  return labeled;
}

const LABEL_OF_SCALE = {
  'pass-fail': { field: 'human.pass', hint: 'label it with human: { pass: true } or { pass: false }, the label of a pass-fail rubric' },
  '1-5': { field: 'human.score', hint: "label it with human: { score: <1 to 5> }, a level of the rubric's 1-5 scale" },
} as const;

/** Why a case's human label fits no rubric of the suite, or undefined when it fits `scale` or another rubric's. */
function labelForNoRubric(
  human: NonNullable<GoldenCase['human']>,
  scale: RubricScale,
  suiteScales: readonly RubricScale[],
): { message: string; field: string; hint: string } | undefined {
  const given = (['pass-fail', '1-5'] as const).filter((each) => (each === 'pass-fail' ? human.pass : human.score) !== undefined);
  if (given.includes(scale)) return undefined;
  const wanted = LABEL_OF_SCALE[scale];
  const other = given[0];
  if (other === undefined) return { message: `the human label has no ${wanted.field}`, field: 'human', hint: wanted.hint };
  if (suiteScales.includes(other)) return undefined;
  return {
    message: `${LABEL_OF_SCALE[other].field} is a label for a ${other} rubric, but the suite's rubric is ${scale}, so this case would not be counted`,
    field: LABEL_OF_SCALE[other].field,
    hint: wanted.hint,
  };
}
