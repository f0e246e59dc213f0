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

/** Cases with a label for `scale`: `human.pass` on pass-fail, `human.score` (1–5) on 1-5. */
export function labeledCases(cases: Iterable<GoldenCase>, scale: RubricScale): LabeledCase[] {
  const labeled: LabeledCase[] = [];
  for (const goldenCase of cases) {
    const human = goldenCase.human;
    if (!human || goldenCase.chaos) continue;
    const where = { file: goldenCase.origin.file, line: goldenCase.origin.line };
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
