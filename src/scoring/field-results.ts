/**
 * How a score carries per-field results, so a run summary can say how often each field was right
 * (`fieldAccuracy`) whatever scorer produced them: `details.fields` maps a field name to
 * `{ pass, score, reason? }` (the reason is kept only for wrong fields, to keep records small).
 * `extraction` and `toolInput` write it; a custom scorer may too.
 */
import type { Score } from './types.js';

export interface FieldOutcome {
  pass: boolean;
  score: number;
  reason?: string;
}

export const FIELD_DETAILS_KEY = 'fields';

/** `details.fields` from per-field results, in field order. */
export function fieldDetails(results: ReadonlyArray<{ path: string; result: { pass: boolean; score: number; reason: string } }>, prefix = ''): Record<string, FieldOutcome> {
  // fromEntries defines own keys, so even a field named `__proto__` stays a field.
  return Object.fromEntries(
    results.map(({ path, result }): [string, FieldOutcome] => [
      `${prefix}${path}`,
      result.pass ? { pass: true, score: result.score } : { pass: false, score: result.score, reason: result.reason },
    ]),
  );
}

/**
 * Every `(field, right?)` a score reports, its combinator children's included. Errored scores
 * report nothing (they were not a measurement); malformed entries are skipped.
 */
/** Whether a score may report fields: most do not, and are passed over without starting fieldOutcomes. */
export function mayReportFields(score: Score): boolean {
  return score.details?.[FIELD_DETAILS_KEY] !== undefined || score.children !== undefined;
}

export function* fieldOutcomes(score: Score): Generator<[field: string, pass: boolean]> {
  if (score.error === undefined) {
    const fields = score.details?.[FIELD_DETAILS_KEY];
    if (fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
      for (const [field, outcome] of Object.entries(fields as Record<string, unknown>)) {
        if (outcome !== null && typeof outcome === 'object' && typeof (outcome as { pass?: unknown }).pass === 'boolean') {
          yield [field, (outcome as { pass: boolean }).pass];
        }
      }
    }
  }
  for (const child of score.children ?? []) yield* fieldOutcomes(child);
}
