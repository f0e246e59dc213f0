/**
 * What a rubric is made of: criteria with anchored descriptions, on one of two scales. Inline
 * criteria (from a suite file) are checked here with the same strictness as a rubric file.
 */
import { InputError } from '../errors.js';

export type RubricScale = 'pass-fail' | '1-5';

export interface Criterion {
  /** Stable id: lower-case letters, digits, `-` and `_`. The judge answers per id. */
  id: string;
  /** What is being judged, in one sentence. */
  description: string;
  /** pass-fail: what an output that passes looks like. */
  pass?: string;
  /** pass-fail: what an output that fails looks like. */
  fail?: string;
  /** 1-5: one anchor per level, index 0 = level 1. */
  levels?: [string, string, string, string, string];
}

export interface Rubric {
  scale: RubricScale;
  /** Optional framing shown to the judge before the criteria (the rubric file's intro text). */
  intro?: string;
  criteria: Criterion[];
  /** Where the rubric came from, for messages. */
  source?: string;
}

/** Inline form: ids may be left out (derived from the description). */
export interface CriterionInput {
  id?: string;
  description: string;
  pass?: string;
  fail?: string;
  levels?: readonly string[];
}

export const CRITERION_ID = /^[a-z0-9][a-z0-9_-]*$/;

export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
}

/** Validates inline criteria for a scale; the errors name `criteria[i].field`. */
export function criteriaFromInput(inputs: readonly CriterionInput[], scale: RubricScale): Criterion[] {
  if (inputs.length === 0) {
    throw new InputError('a rubric needs at least one criterion', { field: 'criteria' }, 'list criteria inline or point `file` at a rubric file');
  }
  const seen = new Set<string>();
  return inputs.map((input, index) => {
    const field = `criteria[${index}]`;
    const description = input.description?.trim();
    if (!description) throw new InputError('description is empty', { field: `${field}.description` }, 'say in one sentence what is judged');
    const id = input.id ?? slugify(description);
    if (!CRITERION_ID.test(id)) {
      throw new InputError(`id "${id}" is not a valid criterion id`, { field: `${field}.id` }, 'use lower-case letters, digits, "-" and "_", e.g. "covers-key-facts"');
    }
    if (seen.has(id)) throw new InputError(`criterion id "${id}" is used twice`, { field: `${field}.id` }, 'give every criterion its own id');
    seen.add(id);
    const criterion: Criterion = { id, description };
    if (scale === 'pass-fail') {
      if (input.levels) throw new InputError('levels belong to a 1-5 rubric', { field: `${field}.levels` }, 'use pass and fail for a pass-fail rubric, or set scale: "1-5"');
      if (!input.pass?.trim()) throw new InputError('pass is missing', { field: `${field}.pass` }, 'describe what an output that passes this criterion looks like');
      if (!input.fail?.trim()) throw new InputError('fail is missing', { field: `${field}.fail` }, 'describe what an output that fails this criterion looks like');
      criterion.pass = input.pass.trim();
      criterion.fail = input.fail.trim();
    } else {
      if (input.pass !== undefined || input.fail !== undefined) {
        throw new InputError('pass/fail belong to a pass-fail rubric', { field: `${field}.pass` }, 'describe each of the five levels in `levels` instead');
      }
      const levels = (input.levels ?? []).map((level) => level.trim());
      if (levels.length !== 5 || levels.some((level) => level === '')) {
        throw new InputError(`levels needs exactly 5 non-empty anchors, got ${levels.length}`, { field: `${field}.levels` }, 'describe level 1 (worst) to level 5 (best)');
      }
      criterion.levels = levels as Criterion['levels'];
    }
    return criterion;
  });
}
