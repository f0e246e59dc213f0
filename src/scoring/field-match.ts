/**
 * Comparing an object with an expected object field by field: the pure core of `extraction` and
 * of `toolInput` with an expected input. Each field has a matcher — exact, ignoring case, numeric
 * with a tolerance, or fuzzy — compiled once at factory time. Without a list of fields, every
 * top-level field of the expected object is compared with a matcher chosen by its type (numbers
 * numerically, so `"$1,234.50"` equals 1234.5; everything else exactly).
 *
 * A field that is `null` in the expected object must be absent or `null` in the answer. A field the
 * answer lacks is wrong. A listed field the expected object lacks is a problem of the case, not of
 * the answer: the comparison reports an error instead of a result.
 */
import { InputError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';
import { formatNumber, parseNumber, toleranceProblem, withinTolerance } from './numbers.js';
import type { Tolerance } from './numbers.js';
import { getAtPath, labelPath, parsePath } from './paths.js';
import { similarityFunctions, textNormalizer } from './similarity.js';
import type { SimilarityMethod } from './similarity.js';
import { asText, fixed2, fixedAgainst, quote } from './text.js';
import { fieldDetails } from './field-results.js';
import type { Score } from './types.js';

/**
 * How one field is compared:
 * - `'exact'`: equal (strings with surrounding whitespace trimmed; other values as stable JSON);
 * - `'ignoreCase'`: equal ignoring case and surrounding whitespace;
 * - `'numeric'`: the same number once both are read as numbers (`"1,234.50"` = 1234.5);
 * - `{ absolute?, relative? }`: numbers within a tolerance;
 * - `{ fuzzy: threshold, method? }`: string similarity at or above the threshold.
 */
export type FieldMatcher = 'exact' | 'ignoreCase' | 'numeric' | Tolerance | { fuzzy: number; method?: SimilarityMethod };

/** One field's outcome. `error` means the expected side could not be read (a problem of the case). */
export interface FieldResult {
  pass: boolean;
  /** 0..1: 1 or 0, or the similarity for fuzzy fields. */
  score: number;
  /** A short clause: `12.6 differs from 12.5 by 0.1 (allowed ±0.01)`. */
  reason: string;
  error?: string;
}

export type FieldCompare = (actual: unknown, expected: unknown) => FieldResult;

export interface FieldSpec {
  path: string;
  segments: string[];
  compare: FieldCompare;
}

const MATCHER_HINT = 'a field matcher is "exact", "ignoreCase", "numeric", { "absolute": 0.01, "relative": 0.02 } or { "fuzzy": 0.8, "method": "dice" }';

/** Builds the comparison for one matcher; a bad matcher is an InputError at `where`. */
export function compileFieldMatcher(matcher: FieldMatcher, where: ErrorLocation): FieldCompare {
  if (matcher === 'exact') return exactField(false);
  if (matcher === 'ignoreCase') return exactField(true);
  if (matcher === 'numeric') return numericField({});
  if (matcher !== null && typeof matcher === 'object' && !Array.isArray(matcher)) {
    const keys = Object.keys(matcher);
    if ('fuzzy' in matcher) {
      const extra = keys.filter((key) => key !== 'fuzzy' && key !== 'method');
      if (extra.length) throw new InputError(`unknown option "${extra[0]}" in a fuzzy field matcher`, where, MATCHER_HINT);
      return fuzzyField(matcher.fuzzy, matcher.method ?? 'dice', where);
    }
    const extra = keys.filter((key) => key !== 'absolute' && key !== 'relative');
    if (extra.length === 0 && keys.length > 0) {
      const problem = toleranceProblem(matcher);
      if (problem) throw new InputError(problem.message, where, MATCHER_HINT);
      return numericField(matcher);
    }
  }
  throw new InputError(`not a field matcher: ${JSON.stringify(matcher) ?? String(matcher)}`, where, MATCHER_HINT);
}

/** Compiles `{ path: matcher }` once; `where` names the option (`fields`) for errors. */
export function compileFieldSpecs(fields: Readonly<Record<string, FieldMatcher>>, where: ErrorLocation): FieldSpec[] {
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new InputError('fields must be an object of { "path": matcher }', where, MATCHER_HINT);
  }
  const entries = Object.entries(fields);
  if (entries.length === 0) throw new InputError('fields is empty', where, 'list at least one field, or leave fields out to compare every field of the expected object');
  return entries.map(([path, matcher]) => {
    const segments = parsePath(path);
    const at: ErrorLocation = { ...where, field: `${where.field ?? 'fields'}.${path}` };
    if (segments.length === 0) throw new InputError('a field path is empty', at);
    return { path, segments, compare: compileFieldMatcher(matcher, at) };
  });
}

const exactCompare = exactField(false);
const numericCompare = numericField({});

/** The matcher for a field chosen by its expected value: numbers numerically, the rest exactly. */
export function defaultFieldCompare(expected: unknown): FieldCompare {
  return typeof expected === 'number' ? numericCompare : exactCompare;
}

export interface FieldComparison {
  /** In field order. */
  results: Array<{ path: string; result: FieldResult }>;
  right: number;
  total: number;
  /** Set when the expected side lacks what is needed to compare: the comparison could not be made. */
  error?: string;
}

/**
 * Compares `actual` with `expected` on `specs` (or, without specs, on every top-level field of
 * `expected`). `expectedLabel` (`expected.invoice`) names the expected side in errors.
 */
export function compareFields(actual: unknown, expected: unknown, specs: readonly FieldSpec[] | undefined, expectedLabel: string): FieldComparison {
  const fields = specs ?? autoSpecs(expected, expectedLabel);
  if ('error' in fields) return { results: [], right: 0, total: 0, error: fields.error };
  const results: FieldComparison['results'] = [];
  let right = 0;
  for (const spec of fields) {
    const want = getAtPath(expected, spec.segments);
    if (want === undefined) {
      const error = `${labelPath(expectedLabel, spec.path)} is missing: the case has no expected value for this field (write null for a field that must be absent)`;
      return { results: [], right: 0, total: 0, error };
    }
    const result = compareOne(spec, getAtPath(actual, spec.segments), want);
    if (result.error !== undefined) return { results: [], right: 0, total: 0, error: `${labelPath(expectedLabel, spec.path)} ${result.error}` };
    if (result.pass) right++;
    results.push({ path: spec.path, result });
  }
  return { results, right, total: results.length };
}

/** The fields to compare (for an answer that could not be read at all, every one of them is wrong). */
export function fieldPaths(expected: unknown, specs: readonly FieldSpec[] | undefined, expectedLabel: string): { paths: string[] } | { error: string } {
  const fields = specs ?? autoSpecs(expected, expectedLabel);
  if ('error' in fields) return fields;
  for (const spec of fields) {
    if (getAtPath(expected, spec.segments) === undefined) {
      return { error: `${labelPath(expectedLabel, spec.path)} is missing: the case has no expected value for this field (write null for a field that must be absent)` };
    }
  }
  return { paths: fields.map((spec) => spec.path) };
}

function autoSpecs(expected: unknown, label: string): FieldSpec[] | { error: string } {
  if (expected === null || typeof expected !== 'object' || Array.isArray(expected)) {
    return { error: `${label} is not an object: fields are compared against an expected object (or list the fields to compare)` };
  }
  const entries = Object.entries(expected as Record<string, unknown>);
  if (entries.length === 0) return { error: `${label} is an empty object: there are no fields to compare` };
  return entries.map(([path, value]) => ({ path, segments: [path], compare: defaultFieldCompare(value) }));
}

function compareOne(spec: FieldSpec, actual: unknown, expected: unknown): FieldResult {
  if (expected === null) {
    const pass = actual === undefined || actual === null;
    return { pass, score: pass ? 1 : 0, reason: pass ? 'absent, as expected' : `${quote(actual)} where none was expected` };
  }
  if (actual === undefined) return { pass: false, score: 0, reason: `missing (expected ${quote(expected)})` };
  return spec.compare(actual, expected);
}

function exactField(ignoreCase: boolean): FieldCompare {
  const normalize = (value: unknown): string => {
    const text = typeof value === 'string' ? value.trim() : asText(value);
    return ignoreCase ? text.toLowerCase() : text;
  };
  const qualifier = ignoreCase ? ' ignoring case' : '';
  return (actual, expected) => {
    const pass = normalize(actual) === normalize(expected);
    return pass
      ? { pass, score: 1, reason: `equals ${quote(expected)}${qualifier}` }
      : { pass, score: 0, reason: `${quote(actual)} ≠ ${quote(expected)}${qualifier}` };
  };
}

function numericField(tolerance: Tolerance): FieldCompare {
  return (actual, expected) => {
    const want = parseNumber(expected);
    if (!want.ok) return { pass: false, score: 0, reason: `expected value ${want.reason}`, error: want.reason };
    const got = parseNumber(actual);
    if (!got.ok) return { pass: false, score: 0, reason: got.reason };
    const check = withinTolerance(got.value, want.value, tolerance);
    const shown = `${formatNumber(got.value)}${got.note ? ` (${got.note})` : ''}`;
    const reason = check.pass
      ? `${shown} matches ${formatNumber(want.value)}${check.allowed === 'exactly' ? '' : ` within ${check.allowed}`}`
      : `${shown} differs from ${formatNumber(want.value)} by ${formatNumber(check.difference)}${check.allowed === 'exactly' ? '' : ` (allowed ${check.allowed})`}`;
    return { pass: check.pass, score: check.pass ? 1 : 0, reason };
  };
}

function fuzzyField(threshold: unknown, method: SimilarityMethod, where: ErrorLocation): FieldCompare {
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 1)) {
    throw new InputError(`a fuzzy field threshold must be between 0 and 1, got ${JSON.stringify(threshold) ?? String(threshold)}`, where, MATCHER_HINT);
  }
  const similarity = similarityFunctions[method];
  if (!similarity) throw new InputError(`unknown fuzzy method "${String(method)}"`, where, `use one of: ${Object.keys(similarityFunctions).join(', ')}`);
  const normalize = textNormalizer();
  return (actual, expected) => {
    const value = similarity(normalize(asText(actual)), normalize(asText(expected)));
    const pass = value >= threshold;
    const reason = `${quote(actual)} ${method} similarity ${fixedAgainst(value, threshold)} ${pass ? '>=' : '<'} ${fixed2(threshold)} to ${quote(expected)}`;
    return { pass, score: value, reason };
  };
}

const WRONG_SHOWN = 3;

/** `total: 12.6 differs from 12.5 by 0.1 (allowed ±0.01); vendor: "Acme" ≠ "ACME" (+2 more)`. */
export function describeWrongFields(results: FieldComparison['results']): string {
  const wrong = results.filter(({ result }) => !result.pass);
  const shown = wrong.slice(0, WRONG_SHOWN).map(({ path, result }) => `${path}: ${result.reason}`).join('; ');
  return wrong.length > WRONG_SHOWN ? `${shown} (+${wrong.length - WRONG_SHOWN} more)` : shown;
}

/** `2 of 4 fields right (0.50)`. */
export function rightOfTotal(right: number, total: number): string {
  return `${right} of ${total} field${total === 1 ? '' : 's'} right (${fixed2(total ? right / total : 0)})`;
}

/** A scorer's `threshold` option: the share of the fields that must be right, checked (default 1: all). */
export function fieldShareThreshold(value: number | undefined): number {
  const threshold = value ?? 1;
  if (!(typeof threshold === 'number' && threshold >= 0 && threshold <= 1)) {
    throw new InputError(`threshold must be between 0 and 1, got ${String(threshold)}`, { field: 'threshold' });
  }
  return threshold;
}

/**
 * The score when there is nothing to compare (no readable output, the tool never called): every
 * field the case expects counts as wrong, for `why`; the reason is `why` and the count, after
 * `reasonHead` when given.
 */
export function everyFieldWrong(
  name: string,
  expected: unknown,
  specs: readonly FieldSpec[] | undefined,
  expectedLabel: string,
  why: string,
  options: { reasonHead?: string; prefix?: string } = {},
): Score {
  const paths = fieldPaths(expected, specs, expectedLabel);
  if ('error' in paths) return { name, score: 0, pass: false, reason: paths.error, error: paths.error };
  const results = paths.paths.map((path) => ({ path, result: { pass: false, score: 0, reason: why } }));
  return {
    name,
    score: 0,
    pass: false,
    reason: `${options.reasonHead ?? why}: ${rightOfTotal(0, results.length)}`,
    details: { fields: fieldDetails(results, options.prefix), right: 0, total: results.length },
  };
}
