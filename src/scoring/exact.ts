/**
 * Exact equality of the output (or a JSON field of it) with the expected value. Non-string values
 * compare as stable JSON, so `{ "a": 1, "b": 2 }` equals `{ "b": 2, "a": 1 }`.
 */
import { asText, quote } from './text.js';
import type { Scorer } from './types.js';
import { defaultName, expectedReader, outputReader, unreadableScore } from './value-source.js';
import type { ExpectedOptions, FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface ExactOptions extends FieldOption, ExpectedOptions {
  name?: string;
  caseInsensitive?: boolean;
  /** Ignore leading and trailing whitespace on both sides. Default true: models add newlines. */
  trim?: boolean;
}

const EXACT_OPTIONS = optionNames<ExactOptions>({ name: true, field: true, expected: true, expectedField: true, caseInsensitive: true, trim: true });

export function exact(options: ExactOptions = {}): Scorer {
  refuseUnknownOptions('exact', options, EXACT_OPTIONS);
  const name = options.name ?? defaultName('exact', options.field);
  const actualSide = outputReader(options.field);
  const expectedSide = expectedReader(options);
  const trim = options.trim ?? true;
  const caseInsensitive = options.caseInsensitive ?? false;
  const normalize = (value: unknown): string => {
    let text = asText(value);
    if (trim) text = text.trim();
    if (caseInsensitive) text = text.toLowerCase();
    return text;
  };
  const qualifier = caseInsensitive ? ' (ignoring case)' : '';

  return {
    name,
    score(sample) {
      const actual = actualSide.read(sample);
      if (!actual.ok) return unreadableScore(name, actual);
      const expected = expectedSide.read(sample);
      if (!expected.ok) return unreadableScore(name, expected);
      const pass = normalize(actual.value) === normalize(expected.value);
      const reason = pass
        ? `${actualSide.label} equals ${expectedSide.label}${qualifier}`
        : `${actualSide.label} ${quote(actual.value)} does not equal ${expectedSide.label} ${quote(expected.value)}${qualifier}`;
      return { name, score: pass ? 1 : 0, pass, reason };
    },
  };
}
