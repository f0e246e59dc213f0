/**
 * Small text helpers shared by operators: safe insertion points, edits applied in one pass, and
 * compact descriptions of positions. Everything is O(length) so 1 MB inputs stay fast.
 */
import type { Rng } from './random.js';

// Combining marks and joiners as single characters: what must not be split from the one before.
// eslint-disable-next-line no-misleading-character-class
const COMBINING_OR_JOINER = /[\p{M}\u200d\ufe00-\ufe0f]/u;

export function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

export function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Moves `index` forward so it does not split a surrogate pair. */
export function codePointBoundary(text: string, index: number): number {
  if (index > 0 && index < text.length && isHighSurrogate(text.charCodeAt(index - 1)) && isLowSurrogate(text.charCodeAt(index))) {
    return index + 1;
  }
  return index;
}

/**
 * Moves `index` forward past combining marks, joiners and variation selectors (bounded), so an
 * insertion there does not tear a visible character apart.
 */
export function clusterBoundary(text: string, index: number): number {
  let i = codePointBoundary(text, index);
  for (let steps = 0; i < text.length && steps < 32; steps++) {
    const code = text.charCodeAt(i);
    // Everything below U+0300 is a base character: skip the regex for the common case.
    if (code < 0x300 || isLowSurrogate(code) || !COMBINING_OR_JOINER.test(text[i] as string)) break;
    i++;
  }
  return i;
}

/** `count` random insertion points (sorted, may repeat) that keep clusters whole. */
export function randomClusterBoundaries(text: string, rng: Rng, count: number): number[] {
  const points: number[] = [];
  for (let k = 0; k < count; k++) points.push(clusterBoundary(text, rng.int(text.length + 1)));
  return points.sort((a, b) => a - b);
}

/** A random point at the start of a word (after whitespace), or the end of the text. */
export function randomWordBoundary(text: string, rng: Rng): number {
  if (text.length === 0) return 0;
  const start = rng.int(text.length + 1);
  const match = /\s/.exec(text.slice(start, start + 4096));
  if (!match) return text.length;
  return start + match.index + 1;
}

/** Inserts each piece at its position (positions refer to the original text, sorted ascending). */
export function insertAt(text: string, inserts: ReadonlyArray<{ at: number; piece: string }>): string {
  if (inserts.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const { at, piece } of inserts) {
    parts.push(text.slice(last, at), piece);
    last = at;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/** "4, 17, 30" or "4, 17, 30, 41, 55 and 12 more". */
export function describePositions(positions: readonly number[], shown = 5): string {
  const head = positions.slice(0, shown).join(', ');
  const rest = positions.length - shown;
  return rest > 0 ? `${head} and ${rest} more` : head;
}

/** Number of edits for a text: about `rate` of `eligible`, at least 1, at most `max`. */
export function editCount(eligible: number, rate: number, max: number): number {
  if (eligible === 0) return 0;
  return Math.max(1, Math.min(max, Math.round(eligible * rate)));
}

/** Code point escape for descriptions: U+200B. */
export function codePointName(char: string): string {
  let name = codePointNames.get(char);
  if (name === undefined) {
    name = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
    if (codePointNames.size < 1_024) codePointNames.set(char, name);
  }
  return name;
}
const codePointNames = new Map<string, string>();

export function isAsciiLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}

/**
 * Indices of up to `count` distinct UTF-16 units accepted by `eligible`, chosen by probing random
 * positions and scanning forward; sorted ascending. Stops early when the text has too few.
 */
export function pickCharIndices(text: string, rng: Rng, count: number, eligible: (code: number) => boolean): number[] {
  const chosen = new Set<number>();
  const length = text.length;
  if (length === 0 || count === 0) return [];
  while (chosen.size < count) {
    let i = rng.int(length);
    let found = false;
    for (let scanned = 0; scanned < length; scanned++, i = (i + 1) % length) {
      if (!chosen.has(i) && eligible(text.charCodeAt(i))) {
        chosen.add(i);
        found = true;
        break;
      }
    }
    // A full circle without a new match: every eligible character is already chosen.
    if (!found) break;
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Replaces the single UTF-16 unit at each position (sorted ascending) with its piece. */
export function replaceCharsAt(text: string, edits: ReadonlyArray<{ at: number; piece: string }>): string {
  if (edits.length === 0) return text;
  const parts: string[] = [];
  let last = 0;
  for (const { at, piece } of edits) {
    parts.push(text.slice(last, at), piece);
    last = at + 1;
  }
  parts.push(text.slice(last));
  return parts.join('');
}

/**
 * Rewrites the text one UTF-16 unit at a time through `map` (return the same code to keep it),
 * on an array of codes: several times faster than a regex replace with a callback.
 */
export function mapCodeUnits(text: string, map: (code: number, index: number) => number): string {
  const codes: number[] = new Array<number>(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = map(text.charCodeAt(i), i);
  return fromCodeUnits(codes);
}

/** The string of these UTF-16 code units. */
export function fromCodeUnits(codes: readonly number[]): string {
  // apply() takes an argument list: convert in chunks well below engine argument limits.
  const chunk = 8_192;
  if (codes.length <= chunk) return String.fromCharCode.apply(null, codes as number[]);
  const parts: string[] = [];
  for (let start = 0; start < codes.length; start += chunk) parts.push(String.fromCharCode.apply(null, codes.slice(start, start + chunk)));
  return parts.join('');
}
