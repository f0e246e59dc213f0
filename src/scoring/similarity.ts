/**
 * String similarity measures, each 0..1 (1 = identical). Pure functions over strings; callers
 * normalize case, whitespace and Unicode first if they want to (see `textNormalizer`).
 *
 * Levenshtein costs time in proportion to length × length (250,000 characters a side took ~17 s).
 * Up to LEVENSHTEIN_EXACT_CELLS pairs it is exact; beyond, both texts are cut into the same number
 * of aligned pieces (by relative position) and the pieces' distances are summed. Joining the
 * pieces' edit scripts edits one text into the other, so that sum can only overstate the distance:
 * the similarity it gives is a lower bound of the exact one, never a false pass, computed in
 * bounded time. Measures report how many pieces they used, so a reason can say so.
 */
import { distance } from 'fastest-levenshtein';
import { compareTwoStrings } from 'string-similarity';

export type SimilarityMethod = 'dice' | 'levenshtein' | 'tokenSet';

/** Sørensen–Dice coefficient over character bigrams (string-similarity; it ignores whitespace). */
export function diceSimilarity(a: string, b: string): number {
  return compareTwoStrings(a, b);
}

/** Above this many character pairs (length × length), Levenshtein is computed piecewise (~0.1 s of work). */
export const LEVENSHTEIN_EXACT_CELLS = 100_000_000;

/** A similarity, and into how many aligned pieces the texts were cut to bound its cost (1: exact). */
export interface MeasuredSimilarity {
  value: number;
  pieces: number;
}

/** 1 − editDistance / longerLength; two empty strings are identical. A lower bound above the exact limit. */
export function levenshteinSimilarity(a: string, b: string): number {
  return measureLevenshtein(a, b).value;
}

/** Levenshtein similarity with its bound; `exactCells` is the limit (a parameter for tests). */
export function measureLevenshtein(a: string, b: string, exactCells = LEVENSHTEIN_EXACT_CELLS): MeasuredSimilarity {
  const longer = Math.max(a.length, b.length);
  if (longer === 0) return { value: 1, pieces: 1 };
  const cells = a.length * b.length;
  if (cells <= exactCells) return { value: 1 - distance(a, b) / longer, pieces: 1 };
  // Each piece pair costs (|a|/p)(|b|/p) cells, so p pieces cost |a||b|/p ≤ the exact limit.
  // Never more pieces than the shorter text has characters, so no piece is empty.
  const pieces = Math.min(Math.ceil(cells / exactCells), Math.min(a.length, b.length));
  if (pieces <= 1) return { value: Math.max(0, 1 - distance(a, b) / longer), pieces: 1 };
  let total = 0;
  for (let i = 0; i < pieces; i++) {
    const pieceA = a.slice(Math.floor((i * a.length) / pieces), Math.floor(((i + 1) * a.length) / pieces));
    const pieceB = b.slice(Math.floor((i * b.length) / pieces), Math.floor(((i + 1) * b.length) / pieces));
    total += distance(pieceA, pieceB);
  }
  return { value: Math.max(0, 1 - total / longer), pieces };
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
  return measureTokenSet(a, b).value;
}

function measureTokenSet(a: string, b: string): MeasuredSimilarity {
  const tokensA = tokenSet(a);
  const tokensB = tokenSet(b);
  if (tokensA.length === 0 && tokensB.length === 0) return { value: 1, pieces: 1 };
  if (tokensA.length === 0 || tokensB.length === 0) return { value: 0, pieces: 1 };

  const inB = new Set(tokensB);
  const inA = new Set(tokensA);
  const shared = tokensA.filter((token) => inB.has(token)).join(' ');
  const onlyA = tokensA.filter((token) => !inB.has(token)).join(' ');
  const onlyB = tokensB.filter((token) => !inA.has(token)).join(' ');
  const withA = joinNonEmpty(shared, onlyA);
  const withB = joinNonEmpty(shared, onlyB);

  const comparisons = shared ? [measureLevenshtein(shared, withA), measureLevenshtein(shared, withB)] : [];
  comparisons.push(measureLevenshtein(withA, withB));
  return {
    value: Math.max(...comparisons.map((c) => c.value)),
    pieces: Math.max(...comparisons.map((c) => c.pieces)),
  };
}

export const similarityFunctions: Readonly<Record<SimilarityMethod, (a: string, b: string) => number>> = {
  dice: diceSimilarity,
  levenshtein: levenshteinSimilarity,
  tokenSet: tokenSetSimilarity,
};

/** The same measures with how they were bounded (Dice is linear and always exact). */
export const similarityMeasures: Readonly<Record<SimilarityMethod, (a: string, b: string) => MeasuredSimilarity>> = {
  dice: (a, b) => ({ value: compareTwoStrings(a, b), pieces: 1 }),
  levenshtein: (a, b) => measureLevenshtein(a, b),
  tokenSet: measureTokenSet,
};

export interface NormalizeOptions {
  /** Compare lower-cased. Default false. */
  case?: boolean;
  /** Collapse runs of whitespace to one space and trim. Default true. */
  whitespace?: boolean;
  /** Unicode compatibility normalization (NFKC: full-width letters, ligatures …). Default false. */
  unicode?: boolean | 'NFKC';
}

/** Whitespace other than a plain space, or two whitespace characters in a row: what collapsing changes. */
const UNCOLLAPSED = /[^\S ]|\s\s/;

/** Runs of whitespace as one space, trimmed; a text whose spaces are single already is not copied. */
function collapseWhitespace(text: string): string {
  return (UNCOLLAPSED.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
}

/** Builds the normalization once, so scoring does no option checks per call. */
export function textNormalizer(options: NormalizeOptions = {}): (text: string) => string {
  const steps: Array<(text: string) => string> = [];
  if (options.unicode) steps.push((text) => text.normalize('NFKC'));
  if (options.case) steps.push((text) => text.toLowerCase());
  if (options.whitespace ?? true) steps.push(collapseWhitespace);
  return (text) => {
    let result = text;
    for (const step of steps) result = step(result);
    return result;
  };
}
