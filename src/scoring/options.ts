/**
 * Option names each scorer factory takes. Suites are TypeScript run without a type check, so a
 * misspelt option (`treshold`) would otherwise leave the default in force without a word: a
 * scorer passing what the user meant to fail.
 */
import { InputError } from '../errors.js';
import { meantText, unknownKey } from '../knownKeys.js';
import type { NormalizeOptions } from './similarity.js';

/** The names of an options type, kept whole by TypeScript: a name missing or extra does not compile. */
export function optionNames<T>(names: Record<keyof T, true>): readonly string[] {
  return Object.keys(names);
}

/** Refuses the first option `options` has that the scorer does not take. */
export function refuseUnknownOptions(scorer: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return;
  const unknown = unknownKey(options, known);
  if (unknown) {
    throw new InputError(`${scorer}: unknown option "${unknown.key}"${meantText(unknown.meant)}`, { field: unknown.key }, `${scorer} takes ${known.join(', ')}`);
  }
}

/**
 * Refuses an `options` argument that is not an object (`toFuzzyMatch('Paris', 0.9)`): its settings
 * would be read from nothing and the defaults used without a word. Absent is fine.
 */
export function refuseNonObjectOptions(owner: string, options: unknown, field: string, known: readonly string[]): void {
  if (options === undefined || (options !== null && typeof options === 'object' && !Array.isArray(options))) return;
  const given = options === null ? 'null' : Array.isArray(options) ? 'an array' : `${typeof options} ${String(options)}`;
  throw new InputError(`${owner}: ${field} must be an object, got ${given}`, { field }, `${owner} takes { ${known.join(', ')} }`);
}

const NORMALIZE_OPTIONS = optionNames<NormalizeOptions>({ case: true, whitespace: true, unicode: true });

/** Refuses a `normalize` that is not an object of known steps (`{ lowercase: true }`): it would change nothing without a word. */
export function refuseUnknownNormalize(owner: string, normalize: unknown): void {
  refuseNonObjectOptions(owner, normalize, 'normalize', NORMALIZE_OPTIONS);
  if (normalize === undefined) return;
  const unknown = unknownKey(normalize as object, NORMALIZE_OPTIONS);
  if (unknown) {
    throw new InputError(`${owner}: unknown normalize option "${unknown.key}"${meantText(unknown.meant)}`, { field: `normalize.${unknown.key}` }, `normalize takes ${NORMALIZE_OPTIONS.join(', ')}`);
  }
}
