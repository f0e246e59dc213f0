/**
 * Extraction: the output parsed as JSON (or a field of it) against the expected object, field by
 * field — exact, ignoring case, numeric with a tolerance, or fuzzy per field (see field-match.ts).
 * The score is the share of fields right; it passes when every field is right (or at least
 * `threshold` of them). Each field's result goes into `details.fields`, from which the run summary
 * counts how often each field was right per cell (`fieldAccuracy`).
 *
 * An answer that is not JSON gets every field wrong (it is a failure, and the field counts show
 * it); an expected object that is missing or lacks a listed field is an error of the case.
 */
import { compareFields, compileFieldSpecs, describeWrongFields, everyFieldWrong, fieldShareThreshold, rightOfTotal } from './field-match.js';
import type { FieldMatcher, FieldSpec } from './field-match.js';
import { fieldDetails } from './field-results.js';
import { fixed2 } from './text.js';
import type { Score, Scorer } from './types.js';
import { defaultName, expectedReader, jsonOutputReader, unreadableScore } from './value-source.js';
import type { ExpectedOptions, FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface ExtractionOptions extends FieldOption, ExpectedOptions {
  name?: string;
  /**
   * The fields to compare and how (`{ total: { absolute: 0.01 }, vendor: { fuzzy: 0.8 }, date: 'exact' }`;
   * paths may be dotted). Default: every top-level field of the expected object, numbers compared
   * numerically and everything else exactly.
   */
  fields?: Readonly<Record<string, FieldMatcher>>;
  /** Pass when at least this share of the fields is right. Default 1: all of them. */
  threshold?: number;
}

const EXTRACTION_OPTIONS = optionNames<ExtractionOptions>({ name: true, field: true, expected: true, expectedField: true, fields: true, threshold: true });

export function extraction(options: ExtractionOptions = {}): Scorer {
  refuseUnknownOptions('extraction', options, EXTRACTION_OPTIONS);
  const threshold = fieldShareThreshold(options.threshold);
  const specs: FieldSpec[] | undefined = options.fields === undefined ? undefined : compileFieldSpecs(options.fields, { field: 'fields' });
  const name = options.name ?? defaultName('extraction', options.field);
  const actualSide = jsonOutputReader(options.field);
  const expectedSide = expectedReader(options);

  return {
    name,
    score(sample): Score {
      const expected = expectedSide.read(sample);
      if (!expected.ok) return unreadableScore(name, expected);
      const actual = actualSide.read(sample);
      if (!actual.ok) {
        // Nothing to compare: every field the case expects is wrong, and counted as such.
        return everyFieldWrong(name, expected.value, specs, expectedSide.label, actual.reason);
      }

      const comparison = compareFields(actual.value, expected.value, specs, expectedSide.label);
      if (comparison.error !== undefined) return { name, score: 0, pass: false, reason: comparison.error, error: comparison.error };
      const { right, total, results } = comparison;
      const share = right / total;
      const pass = share >= threshold;
      let reason: string;
      if (right === total) reason = `${actualSide.label} matches ${expectedSide.label} on ${total === 1 ? 'its 1 field' : `all ${total} fields`}`;
      else {
        const against = threshold < 1 ? ` ${pass ? '>=' : '<'} ${fixed2(threshold)}` : '';
        reason = `${actualSide.label}: ${rightOfTotal(right, total)}${against} against ${expectedSide.label}; ${describeWrongFields(results)}`;
      }
      return { name, score: share, pass, reason, details: { fields: fieldDetails(results), right, total } };
    },
  };
}
