/**
 * Option names each scorer factory takes. Suites are TypeScript run without a type check, so a
 * misspelt option (`treshold`) would otherwise leave the default in force without a word: a
 * scorer passing what the user meant to fail.
 */
import { InputError } from '../errors.js';
import { meantText, unknownKey } from '../knownKeys.js';

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
