import { InputError } from '../errors.js';
import { seededSample } from './seededSample.js';
import type { CaseSelection, GoldenCase } from './types.js';

/** Used when a selection asks for a sample without a seed, so an unseeded sample is still repeatable. */
export const DEFAULT_SAMPLE_SEED = 0;

/** Tag filter (any of), then a seeded sample kept in file order, then the first `limit`. Pure. */
export function selectCases(cases: readonly GoldenCase[], selection: CaseSelection): GoldenCase[] {
  checkCount(selection.limit, 'limit');
  checkCount(selection.sample, 'sample');
  let selected = [...cases];
  const tags = selection.filter ?? [];
  if (tags.length > 0) selected = selected.filter((golden) => golden.tags.some((tag) => tags.includes(tag)));
  if (selection.sample !== undefined) {
    selected = seededSample(selected, selection.sample, selection.seed ?? DEFAULT_SAMPLE_SEED);
  }
  if (selection.limit !== undefined) selected = selected.slice(0, selection.limit);
  return selected;
}

function checkCount(value: number | undefined, field: string): void {
  if (value === undefined || (Number.isInteger(value) && value >= 0)) return;
  throw new InputError(`expected a whole number ≥ 0, got ${value}`, { field }, undefined);
}
