/**
 * Names a user wrote that the code does not know: a misspelt suite field or scorer option is
 * almost always a typo, and ignoring it silently drops what the user asked for (a `threshhold`
 * that never applies, a run that exits 0).
 */
import { closest, distance } from 'fastest-levenshtein';

/** The first own key of `given` that `known` does not list, with the known name it most likely meant. */
export function unknownKey(given: object, known: readonly string[]): { key: string; meant: string | undefined } | undefined {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) return { key, meant: likelyMeant(key, known) };
  }
  return undefined;
}

/** The known name `word` is a likely typo of (at most two edits), or undefined when none is that close. */
export function likelyMeant(word: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const guess = closest(word, known);
  const edits = distance(word.toLowerCase(), guess.toLowerCase());
  return edits <= 2 && edits < guess.length ? guess : undefined;
}

/** ` (did you mean "x"?)`, or nothing. */
export function meantText(meant: string | undefined): string {
  return meant === undefined ? '' : ` (did you mean "${meant}"?)`;
}
