/**
 * Regular-expression check, compiled once in the factory and run on a linear-time engine (see
 * linearRegex.ts): no pattern can freeze a run. The `g` and `y` flags are dropped: they make
 * `RegExp#test` stateful (lastIndex), so the same output would alternate between pass and fail.
 */
import { InputError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';
import { compileLinearRegex, UnsupportedPatternError, type LinearRegex } from './linearRegex.js';
import { asText, quote } from './text.js';
import type { Scorer } from './types.js';
import { defaultName, outputReader, unreadableScore } from './value-source.js';
import type { FieldOption } from './value-source.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export type { LinearMatch, LinearRegex } from './linearRegex.js';

export interface RegexOptions extends FieldOption {
  name?: string;
  pattern: string | RegExp;
  flags?: string;
  /** true (default): the output must match. false: it must not. */
  mustMatch?: boolean;
  /** Where the pattern was declared, for the error when it does not compile. */
  source?: ErrorLocation;
}

/** A user pattern (JavaScript syntax) compiled for the linear-time engine; an InputError when it cannot be. */
export function compileRegex(pattern: string | RegExp, flags: string | undefined, source?: ErrorLocation): LinearRegex {
  const text = typeof pattern === 'string' ? pattern : pattern.source;
  const givenFlags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
  try {
    return compileLinearRegex(text, givenFlags);
  } catch (error) {
    if (!(error instanceof UnsupportedPatternError)) throw error;
    throw new InputError(error.message, source ?? { field: 'pattern' }, error.hint, error);
  }
}

const REGEX_OPTIONS = optionNames<RegexOptions>({ name: true, field: true, pattern: true, flags: true, mustMatch: true, source: true });

export function regex(options: RegexOptions): Scorer {
  refuseUnknownOptions('regex', options, REGEX_OPTIONS);
  const compiled = compileRegex(options.pattern, options.flags, options.source);
  const mustMatch = options.mustMatch ?? true;
  const name = options.name ?? defaultName(mustMatch ? 'regex' : 'notRegex', options.field);
  const side = outputReader(options.field);
  const shown = `/${compiled.source}/${compiled.flags}`;

  return {
    name,
    score(sample) {
      const actual = side.read(sample);
      if (!actual.ok) return unreadableScore(name, actual);
      const match = compiled.exec(asText(actual.value));
      const pass = (match !== null) === mustMatch;
      let reason: string;
      if (match) {
        reason = mustMatch
          ? `${side.label} matches ${shown} at ${quote(match.text, 40)}`
          : `${side.label} matches forbidden ${shown} at ${quote(match.text, 40)}`;
      } else {
        reason = mustMatch ? `${side.label} does not match ${shown}` : `${side.label} does not match forbidden ${shown}`;
      }
      return { name, score: pass ? 1 : 0, pass, reason };
    },
  };
}
