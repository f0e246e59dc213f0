/** Visible noise a human reader shrugs off: look-alikes, diacritics, typos, case, leetspeak. */
import { outcome, type ChaosOperator } from '../operator.js';
import type { Rng } from '../random.js';
import { describePositions, editCount, fromCodeUnits, insertAt, isAsciiLetter, mapCodeUnits, pickCharIndices, replaceCharsAt } from '../text.js';
import { plural } from '../../text.js';

const SAME_ANSWER = 'same answer as source: a human reads the same request';

/** Latin letters and Cyrillic/Greek characters that render (nearly) identically. */
const HOMOGLYPH_TABLE: Readonly<Record<string, string>> = {
  a: '\u0430', c: '\u0441\u03f2', e: '\u0435', i: '\u0456', j: '\u0458', o: '\u043e\u03bf',
  p: '\u0440', s: '\u0455', x: '\u0445', y: '\u0443', v: '\u03bd',
  A: '\u0410\u0391', B: '\u0412\u0392', C: '\u0421', E: '\u0415\u0395', H: '\u041d\u0397',
  I: '\u0406\u0399', K: '\u041a\u039a', M: '\u041c\u039c', N: '\u039d', O: '\u041e\u039f',
  P: '\u0420\u03a1', T: '\u0422\u03a4', X: '\u0425\u03a7', Y: '\u03a5', Z: '\u0396',
};
/** Letter code → look-alike codes (all in the BMP, so a swap keeps the length). */
const HOMOGLYPHS: ReadonlyMap<number, readonly number[]> = new Map(
  Object.entries(HOMOGLYPH_TABLE).map(([latin, lookAlikes]) => [latin.charCodeAt(0), [...lookAlikes].map((c) => c.charCodeAt(0))]),
);

export const homoglyphs: ChaosOperator = {
  name: 'homoglyphs',
  family: 'noise',
  description: 'Swaps Latin letters for Cyrillic/Greek look-alikes (a→а, o→ο, P→Р).',
  property: SAME_ANSWER,
  apply(text, rng) {
    const positions: number[] = [];
    const swap = (code: number, at: number): number => {
      positions.push(at);
      return rng.pick(HOMOGLYPHS.get(code) as readonly number[]);
    };
    let out = mapCodeUnits(text, (code, at) => (HOMOGLYPHS.has(code) && rng.chance(0.3) ? swap(code, at) : code));
    if (positions.length === 0) {
      const [at] = pickCharIndices(text, rng, 1, (code) => HOMOGLYPHS.has(code));
      if (at !== undefined) out = replaceCharsAt(text, [{ at, piece: String.fromCharCode(swap(text.charCodeAt(at), at)) }]);
    }
    return outcome(text, out, [`replaced ${plural(positions.length, 'letter')} with look-alikes at ${describePositions(positions)}`]);
  },
};

const ACCENTS = ['\u0301', '\u0300', '\u0302', '\u0308', '\u0303', '\u030a', '\u0327', '\u030c'] as const;

export const combiningMarks: ChaosOperator = {
  name: 'combining-marks',
  family: 'noise',
  description: 'Adds a combining accent to some letters (e → é as e + U+0301).',
  property: SAME_ANSWER,
  apply(text, rng) {
    const positions = sprinkleLetters(text, rng, 0.1);
    const inserts = positions.map((at) => ({ at: at + 1, piece: rng.pick(ACCENTS) }));
    return outcome(text, insertAt(text, inserts), [
      `added combining accents to ${plural(positions.length, 'letter')} at ${describePositions(positions)}`,
    ]);
  },
};

/**
 * Indices of ASCII letters each chosen with `probability` (at least one when the text has any),
 * in one pass: cheaper than sampling positions when the rate is high.
 */
function sprinkleLetters(text: string, rng: Rng, probability: number, max = 5_000): number[] {
  const positions: number[] = [];
  let first = -1;
  for (let i = 0; i < text.length && positions.length < max; i++) {
    if (!isAsciiLetter(text.charCodeAt(i))) continue;
    if (first < 0) first = i;
    if (rng.chance(probability)) positions.push(i);
  }
  if (positions.length === 0 && first >= 0) positions.push(first);
  return positions;
}

/** Combining Diacritical Marks block: the raw material of "zalgo" text. */
function randomMark(rng: Rng): number {
  return 0x0300 + rng.int(0x70);
}

export const zalgo: ChaosOperator = {
  name: 'zalgo',
  family: 'noise',
  description: 'Stacks many combining marks on letters ("zalgo" text).',
  property: 'same answer as source: the letters underneath are unchanged',
  apply(text, rng) {
    const codes: number[] = [];
    const positions: number[] = [];
    let marks = 0;
    const stackOn = (at: number): void => {
      positions.push(at);
      const stack = rng.between(2, 8);
      marks += stack;
      for (let k = 0; k < stack; k++) codes.push(randomMark(rng));
    };
    let firstLetter = -1;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      codes.push(code);
      if (!isAsciiLetter(code) || positions.length >= 5_000) continue;
      if (firstLetter < 0) firstLetter = i;
      if (rng.chance(0.25)) stackOn(i);
    }
    let out = fromCodeUnits(codes);
    if (positions.length === 0 && firstLetter >= 0) {
      codes.length = 0;
      stackOn(firstLetter);
      out = insertAt(text, [{ at: firstLetter + 1, piece: fromCodeUnits(codes) }]);
    }
    return outcome(text, out, [
      `stacked ${plural(marks, 'combining mark')} on ${plural(positions.length, 'letter')} starting at ${describePositions(positions, 3)}`,
    ]);
  },
};

const QWERTY_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'] as const;

/** Letters next to each letter on a QWERTY keyboard (same row and the rows above/below). */
const ADJACENT_KEYS: Readonly<Record<string, string>> = buildAdjacency();

function buildAdjacency(): Record<string, string> {
  const table: Record<string, string> = {};
  QWERTY_ROWS.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      let near = '';
      for (let dr = -1; dr <= 1; dr++) {
        const other = QWERTY_ROWS[r + dr];
        if (!other) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const key = other[c + dc];
          if (key && !(dr === 0 && dc === 0)) near += key;
        }
      }
      table[row[c] as string] = near;
    }
  });
  return table;
}

/** About 2% of the letters, 1 to 20 edits. */
function typoCount(text: string): number {
  return editCount(countLetters(text, 1_000), 0.02, 20);
}

export const typoAdjacentKey: ChaosOperator = {
  name: 'typo-adjacent-key',
  family: 'noise',
  description: 'Replaces a few letters with a neighbouring key on a QWERTY keyboard.',
  property: SAME_ANSWER,
  apply(text, rng) {
    const positions = pickCharIndices(text, rng, typoCount(text), isAsciiLetter);
    const edits = positions.map((at) => {
      const original = text[at] as string;
      const lower = original.toLowerCase();
      const replacement = rng.pick([...(ADJACENT_KEYS[lower] ?? lower)]);
      return { at, piece: original === lower ? replacement : replacement.toUpperCase() };
    });
    return outcome(text, replaceCharsAt(text, edits), [
      `hit a neighbouring key for ${plural(positions.length, 'letter')} at ${describePositions(positions)}`,
    ]);
  },
};

export const typoDrop: ChaosOperator = {
  name: 'typo-drop',
  family: 'noise',
  description: 'Deletes a few letters.',
  property: SAME_ANSWER,
  apply(text, rng) {
    const positions = pickCharIndices(text, rng, typoCount(text), isAsciiLetter);
    const edits = positions.map((at) => ({ at, piece: '' }));
    return outcome(text, replaceCharsAt(text, edits), [
      `dropped ${plural(positions.length, 'letter')} at ${describePositions(positions)}`,
    ]);
  },
};

export const typoTranspose: ChaosOperator = {
  name: 'typo-transpose',
  family: 'noise',
  description: 'Swaps a few pairs of adjacent letters ("teh").',
  property: SAME_ANSWER,
  apply(text, rng) {
    const wanted = typoCount(text);
    const candidates = pickCharIndices(text, rng, wanted * 2, isAsciiLetter);
    const edits: Array<{ at: number; piece: string }> = [];
    let lastEnd = -1;
    for (const at of candidates) {
      const a = text[at] as string;
      const b = text[at + 1];
      if (at <= lastEnd || b === undefined || !isAsciiLetter(b.charCodeAt(0)) || a === b) continue;
      edits.push({ at, piece: b }, { at: at + 1, piece: a });
      lastEnd = at + 1;
      if (edits.length / 2 >= wanted) break;
    }
    const positions = edits.filter((_, k) => k % 2 === 0).map((edit) => edit.at);
    return outcome(text, replaceCharsAt(text, edits), [
      `transposed ${plural(positions.length, 'letter pair')} at ${describePositions(positions)}`,
    ]);
  },
};

export const randomCase: ChaosOperator = {
  name: 'random-case',
  family: 'noise',
  description: 'Flips the case of ASCII letters at random ("rAnDoM cAsE").',
  property: SAME_ANSWER,
  apply(text, rng) {
    let flipped = 0;
    const out = mapCodeUnits(text, (code) => {
      if (!isAsciiLetter(code) || !rng.chance(0.5)) return code;
      flipped++;
      return code ^ 0x20;
    });
    return outcome(text, out, [`flipped the case of ${plural(flipped, 'letter')}`]);
  },
};

/** Lowercase letter code → the digit that stands in for it. */
const LEET = new Map<number, number>([...'a4e3i1o0s5t7b8g9l1'.matchAll(/(.)(.)/g)].map((m) => [(m[1] as string).charCodeAt(0), (m[2] as string).charCodeAt(0)]));

export const leetspeak: ChaosOperator = {
  name: 'leetspeak',
  family: 'noise',
  description: 'Replaces letters with digits that look like them (e→3, a→4, o→0).',
  property: SAME_ANSWER,
  apply(text, rng) {
    let replaced = 0;
    const out = mapCodeUnits(text, (code) => {
      const digit = LEET.get(code | 0x20);
      if (digit === undefined || !isAsciiLetter(code) || !rng.chance(0.6)) return code;
      replaced++;
      return digit;
    });
    return outcome(text, out, [`wrote ${plural(replaced, 'letter')} as digits`]);
  },
};

/** ASCII letters in the text, counting stops at `cap` (enough to size edit counts). */
function countLetters(text: string, cap: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < cap; i++) if (isAsciiLetter(text.charCodeAt(i))) count++;
  return count;
}

export const NOISE_OPERATORS: readonly ChaosOperator[] = [
  homoglyphs,
  combiningMarks,
  zalgo,
  typoAdjacentKey,
  typoDrop,
  typoTranspose,
  randomCase,
  leetspeak,
];
