/**
 * Regular-expression check, compiled once in the factory. The `g` and `y` flags are dropped: they
 * make `RegExp#test` stateful (lastIndex), so the same output would alternate between pass and fail.
 */
import { InputError } from '../errors.js';
import type { ErrorLocation } from '../errors.js';
import { asText, quote } from './text.js';
import type { Scorer } from './types.js';
import { defaultName, outputReader, unreadableScore } from './value-source.js';
import type { FieldOption } from './value-source.js';

export interface RegexOptions extends FieldOption {
  name?: string;
  pattern: string | RegExp;
  flags?: string;
  /** true (default): the output must match. false: it must not. */
  mustMatch?: boolean;
  /** Where the pattern was declared, for the error when it does not compile. */
  source?: ErrorLocation;
}

export function compileRegex(pattern: string | RegExp, flags: string | undefined, source?: ErrorLocation): RegExp {
  const text = typeof pattern === 'string' ? pattern : pattern.source;
  const baseFlags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
  const stateless = baseFlags.replace(/[gy]/g, '');
  try {
    return new RegExp(text, stateless);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InputError(
      `invalid regular expression /${text}/${baseFlags}: ${detail}`,
      source ?? { field: 'pattern' },
      'check the pattern syntax (JavaScript RegExp); in JSON, backslashes must be doubled: "\\\\d+"',
      error,
    );
  }
}

export function regex(options: RegexOptions): Scorer {
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
          ? `${side.label} matches ${shown} at ${quote(match[0], 40)}`
          : `${side.label} matches forbidden ${shown} at ${quote(match[0], 40)}`;
      } else {
        reason = mustMatch ? `${side.label} does not match ${shown}` : `${side.label} does not match forbidden ${shown}`;
      }
      return { name, score: pass ? 1 : 0, pass, reason };
    },
  };
}
