/**
 * A number in the output (or a JSON field of it) against the expected number, within an absolute
 * and/or relative tolerance: passes when |actual − expected| ≤ absolute or ≤ relative·|expected|;
 * without a tolerance the numbers must be equal. Strings such as `"$1,234.50"` are read as numbers
 * (see numbers.ts) and the reason says how. An answer that is not a number fails; an expected value
 * that is missing or not a number is an error of the case.
 */
import { InputError } from '../errors.js';
import { formatNumber, parseNumber, toleranceProblem, withinTolerance } from './numbers.js';
import type { Tolerance } from './numbers.js';
import type { Scorer } from './types.js';
import { defaultName, expectedReader, outputReader, unreadableScore } from './value-source.js';
import type { ExpectedOptions, FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface NumericOptions extends FieldOption, ExpectedOptions, Tolerance {
  name?: string;
}

const NUMERIC_OPTIONS = optionNames<NumericOptions>({ name: true, field: true, expected: true, expectedField: true, absolute: true, relative: true });

export function numeric(options: NumericOptions = {}): Scorer {
  refuseUnknownOptions('numeric', options, NUMERIC_OPTIONS);
  const problem = toleranceProblem(options);
  if (problem) throw new InputError(problem.message, { field: problem.field }, 'e.g. numeric({ field: "total", absolute: 0.01 }) or relative: 0.02 for 2%');
  const tolerance: Tolerance = {};
  if (options.absolute !== undefined) tolerance.absolute = options.absolute;
  if (options.relative !== undefined) tolerance.relative = options.relative;
  const name = options.name ?? defaultName('numeric', options.field);
  const actualSide = outputReader(options.field);
  const expectedSide = expectedReader(options);

  return {
    name,
    score(sample) {
      const expectedRead = expectedSide.read(sample);
      if (!expectedRead.ok) return unreadableScore(name, expectedRead);
      const expected = parseNumber(expectedRead.value);
      if (!expected.ok) {
        const reason = `${expectedSide.label} ${expected.reason}: the case has no number to compare with`;
        return { name, score: 0, pass: false, reason, error: reason };
      }
      const actualRead = actualSide.read(sample);
      if (!actualRead.ok) return unreadableScore(name, actualRead);
      const actual = parseNumber(actualRead.value);
      if (!actual.ok) {
        return { name, score: 0, pass: false, reason: `${actualSide.label} ${actual.reason}`, details: { expected: expected.value } };
      }

      const check = withinTolerance(actual.value, expected.value, tolerance);
      const shownActual = `${actualSide.label} ${formatNumber(actual.value)}${actual.note ? ` (${actual.note})` : ''}`;
      const shownExpected = `${expectedSide.label} ${formatNumber(expected.value)}${expected.note ? ` (${expected.note})` : ''}`;
      const difference = formatNumber(check.difference);
      const reason =
        check.allowed === 'exactly'
          ? `${shownActual} ${check.pass ? 'equals' : 'does not equal'} ${shownExpected}${check.pass ? '' : ` (difference ${difference})`}`
          : `${shownActual} is ${check.pass ? 'within' : 'not within'} ${check.allowed} of ${shownExpected} (difference ${difference})`;
      return {
        name,
        score: check.pass ? 1 : 0,
        pass: check.pass,
        reason,
        details: { actual: actual.value, expected: expected.value, difference: check.difference, ...tolerance },
      };
    },
  };
}

