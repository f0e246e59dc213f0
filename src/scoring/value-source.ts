/**
 * Where a scorer reads its two sides. The actual side is the output text, or with `field` a dotted
 * path into the output parsed as JSON. The expected side is `sample.expected` (or the `expected`
 * option, a value or a function of the sample), narrowed by `expectedField`. Paths are parsed once
 * at factory time; the labels (`output.summary`, `expected.summary`) go into every reason.
 */
import { extractSampleJson } from './extract-json.js';
import { getAtPath, labelPath, parsePath } from './paths.js';
import type { Sample, Score } from './types.js';

export interface FieldOption {
  /** Dotted path into the output parsed as JSON (`summary`, `items.0.name`). */
  field?: string;
}

export interface ExpectedOptions {
  /** The expected value, or how to get it from the sample. Default: `sample.expected`. */
  expected?: unknown;
  /** Dotted path into the expected value (`summary`). */
  expectedField?: string;
}

/** A side that could not be read: a scored failure (bad output) or an error (bad case data). */
export interface Unreadable {
  ok: false;
  reason: string;
  error?: string;
}
export type Read = { ok: true; value: unknown } | Unreadable;

export interface SideReader {
  /** `output`, `output.summary`, `expected.summary` … for reasons. */
  readonly label: string;
  read(sample: Sample): Read;
}

/** The output text, or with `field` the value at that path in the output parsed as JSON. */
export function outputReader(field: string | undefined): SideReader {
  if (!field) return { label: 'output', read: (sample) => ({ ok: true, value: sample.output }) };
  return jsonOutputReader(field);
}

/** The output parsed as JSON (whole, or the value at `field`): for schema scorers. */
export function jsonOutputReader(field: string | undefined): SideReader {
  const label = labelPath('output', field);
  const segments = field ? parsePath(field) : [];
  return {
    label,
    read(sample) {
      const extraction = extractSampleJson(sample);
      if (!extraction.ok) return { ok: false, reason: `output is not JSON: ${extraction.error}` };
      const value = getAtPath(extraction.value, segments);
      if (value === undefined) return { ok: false, reason: `${label} is missing` };
      return { ok: true, value };
    },
  };
}

export function expectedReader(options: ExpectedOptions): SideReader {
  const label = labelPath('expected', options.expectedField);
  const segments = options.expectedField ? parsePath(options.expectedField, 'expectedField') : [];
  const given = options.expected;
  const base: (sample: Sample) => unknown =
    typeof given === 'function'
      ? (given as (sample: Sample) => unknown)
      : given !== undefined
        ? () => given
        : (sample) => sample.expected;
  return {
    label,
    read(sample) {
      const value = getAtPath(base(sample), segments);
      if (value === undefined) {
        const reason = `${label} is missing: the case has no expected value to compare with`;
        return { ok: false, reason, error: reason };
      }
      return { ok: true, value };
    },
  };
}

/** The Score for a side that could not be read. */
export function unreadableScore(name: string, unreadable: Unreadable): Score {
  const score: Score = { name, score: 0, pass: false, reason: unreadable.reason };
  if (unreadable.error !== undefined) score.error = unreadable.error;
  return score;
}

/** `fuzzy:dice` + `summary` → `fuzzy:dice(summary)`, so two fields never share a scorer name. */
export function defaultName(base: string, field: string | undefined): string {
  return field ? `${base}(${field})` : base;
}
