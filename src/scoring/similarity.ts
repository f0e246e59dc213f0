/**
 * String similarity measures, each 0..1 (1 = identical). Pure functions over strings; callers
 * normalize case, whitespace and Unicode first if they want to (see `textNormalizer`).
 */
import { distance } from 'fastest-levenshtein';
import { compareTwoStrings } from 'string-similarity';

export type SimilarityMethod = 'dice' | 'levenshtein' | 'tokenSet';

/** Sørensen–Dice coefficient over character bigrams (string-similarity; it ignores whitespace). */
export function diceSimilarity(a: string, b: string): number {
  return compareTwoStrings(a, b);
}

/** 1 − editDistance / longerLength; two empty strings are identical. */
export function levenshteinSimilarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return 1;
  return 1 - distance(a, b) / longer;
}

const TOKEN_SEPARATOR = /[^\p{L}\p{N}]+/u;

function tokenSet(text: string): string[] {
  const unique = new Set(text.toLowerCase().split(TOKEN_SEPARATOR));
  unique.delete('');
  return [...unique].sort();
}

function joinNonEmpty(first: string, second: string): string {
  if (!first) return second;
  if (!second) return first;
  return `${first} ${second}`;
}

/**
 * Token-set ratio: word order, repetition, case and punctuation do not matter, and one answer
 * being a subset of the other scores 1. Both sides become sorted sets of words; the shared words
 * alone, shared + words only in a, and shared + words only in b are compared pairwise by
 * normalized Levenshtein, and the best of the three comparisons wins.
 */
export function tokenSetSimilarity(a: string, b: string): number {
  const tokensA = tokenSet(a);
  const tokensB = tokenSet(b);
  if (tokensA.length === 0 && tokensB.length === 0) return 1;
  if (tokensA.length === 0 || tokensB.length === 0) return 0;

  const inB = new Set(tokensB);
  const inA = new Set(tokensA);
  const shared = tokensA.filter((token) => inB.has(token)).join(' ');
  const onlyA = tokensA.filter((token) => !inB.has(token)).join(' ');
  const onlyB = tokensB.filter((token) => !inA.has(token)).join(' ');
  const withA = joinNonEmpty(shared, onlyA);
  const withB = joinNonEmpty(shared, onlyB);

  const sharedScores = shared ? Math.max(levenshteinSimilarity(shared, withA), levenshteinSimilarity(shared, withB)) : 0;
  return Math.max(sharedScores, levenshteinSimilarity(withA, withB));
}

export const similarityFunctions: Readonly<Record<SimilarityMethod, (a: string, b: string) => number>> = {
  dice: diceSimilarity,
  levenshtein: levenshteinSimilarity,
  tokenSet: tokenSetSimilarity,
};

export interface NormalizeOptions {
  /** Compare lower-cased. Default false. */
  case?: boolean;
  /** Collapse runs of whitespace to one space and trim. Default true. */
  whitespace?: boolean;
  /** Unicode compatibility normalization (NFKC: full-width letters, ligatures …). Default false. */
  unicode?: boolean | 'NFKC';
}

/** Builds the normalization once, so scoring does no option checks per call. */
export function textNormalizer(options: NormalizeOptions = {}): (text: string) => string {
  const steps: Array<(text: string) => string> = [];
  if (options.unicode) steps.push((text) => text.normalize('NFKC'));
  if (options.case) steps.push((text) => text.toLowerCase());
  if (options.whitespace ?? true) steps.push((text) => text.replace(/\s+/g, ' ').trim());
  return (text) => {
    let result = text;
    for (const step of steps) result = step(result);
    return result;
  };
}
