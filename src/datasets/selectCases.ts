import { InputError, type ErrorLocation } from '../errors.js';
import { meantText, unknownKey } from '../knownKeys.js';
import { sampledPositions } from './seededSample.js';
import type { CaseList, CaseSelection, GoldenCase } from './types.js';

/** Used when a selection asks for a sample without a seed, so an unseeded sample is still repeatable. */
export const DEFAULT_SAMPLE_SEED = 0;

/** Tag filter (any of), then a seeded sample kept in file order, then the first `limit`. Pure. */
export function selectCases(cases: readonly GoldenCase[], selection: CaseSelection): GoldenCase[] {
  return [...selectFrom(caseList(cases), selection)];
}

/** An array as a CaseList. */
export function caseList(cases: readonly GoldenCase[]): CaseList {
  return { count: cases.length, [Symbol.iterator]: () => cases[Symbol.iterator]() };
}

/**
 * The selection as a CaseList over `cases` that walks them again each time: only the chosen
 * positions of a sample are kept, never the cases. Counting the tagged cases (for a filter or a
 * sample) takes one walk now.
 */
export function selectFrom(cases: CaseList, selection: CaseSelection): CaseList {
  checkCount(selection.limit, 'limit');
  checkCount(selection.sample, 'sample');
  const tags = selection.filter ?? [];
  const tagged = (golden: GoldenCase) => tags.length === 0 || golden.tags.some((tag) => tags.includes(tag));
  if (selectsAll(selection)) return cases;

  let available = cases.count;
  if (tags.length > 0) {
    available = 0;
    // Without a sample, counting past the limit changes nothing: stop there.
    const enough = selection.sample === undefined ? selection.limit : undefined;
    for (const golden of cases) {
      if (tagged(golden)) available++;
      if (available === enough) break;
    }
  }
  // Positions among the tagged cases that a sample keeps (undefined: all of them).
  const sampled =
    selection.sample !== undefined && selection.sample < available
      ? new Set(sampledPositions(available, selection.sample, selection.seed ?? DEFAULT_SAMPLE_SEED))
      : undefined;
  const chosen = sampled ? sampled.size : available;
  const count = selection.limit !== undefined ? Math.min(selection.limit, chosen) : chosen;

  return {
    count,
    *[Symbol.iterator]() {
      if (count === 0) return;
      let position = 0;
      let kept = 0;
      for (const golden of cases) {
        if (!tagged(golden)) continue;
        if (sampled && !sampled.has(position++)) continue;
        yield golden;
        if (++kept === count) return;
      }
    },
  };
}

export const SELECTION_FIELDS: readonly string[] = ['filter', 'limit', 'sample', 'seed'];
const SELECTION_HINT = `e.g. select: { filter: ['billing'], limit: 50 } (${SELECTION_FIELDS.join(', ')})`;

/**
 * A `select` as a user wrote it (a suite's, describeEval's), checked before it is used: a misspelled
 * key (`limt`) would run every case, and a filter written as one string (`filter: 'billing'`) would
 * match tags by substring. `where.field` is where the select itself is (`select`).
 */
export function checkSelection(select: unknown, where: { file?: string; line?: number; field: string }): void {
  const at = (key?: string): ErrorLocation => ({
    ...(where.file !== undefined && { file: where.file }),
    ...(where.line !== undefined && { line: where.line }),
    field: key === undefined ? where.field : `${where.field}.${key}`,
  });
  if (select === null || typeof select !== 'object' || Array.isArray(select)) {
    throw new InputError(`select must be an object, got ${select === null ? 'null' : Array.isArray(select) ? 'an array' : typeof select}`, at(), SELECTION_HINT);
  }
  const unknown = unknownKey(select, SELECTION_FIELDS);
  if (unknown) throw new InputError(`unknown select field "${unknown.key}"${meantText(unknown.meant)}`, at(unknown.key), SELECTION_HINT);
  const { filter, limit, sample, seed } = select as Record<string, unknown>;
  if (filter !== undefined && !(Array.isArray(filter) && filter.every((tag) => typeof tag === 'string' && tag !== ''))) {
    throw new InputError('select.filter must be a list of tags', at('filter'), typeof filter === 'string' ? `write filter: [${JSON.stringify(filter)}]` : SELECTION_HINT);
  }
  for (const [key, count] of [['limit', limit], ['sample', sample]] as const) {
    if (count !== undefined && !(Number.isSafeInteger(count) && (count as number) >= 1)) {
      throw new InputError(`select.${key} must be a whole number ≥ 1, got ${shown(count)}`, at(key), SELECTION_HINT);
    }
  }
  if (seed !== undefined && !Number.isSafeInteger(seed)) throw new InputError(`select.seed must be a whole number, got ${shown(seed)}`, at('seed'), SELECTION_HINT);
}

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** A selection that keeps every case (no filter, sample or limit): selectFrom returns the cases themselves. */
export function selectsAll(selection: CaseSelection): boolean {
  return !selection.filter?.length && selection.sample === undefined && selection.limit === undefined;
}

function checkCount(value: number | undefined, field: string): void {
  if (value === undefined || (Number.isInteger(value) && value >= 0)) return;
  throw new InputError(`expected a whole number ≥ 0, got ${value}`, { field }, undefined);
}
