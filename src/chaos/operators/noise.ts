/** Visible noise a human reader shrugs off: look-alikes, diacritics, typos, case, leetspeak. */
import { outcome, type ChaosOperator } from '../operator.js';
import { describePositions, editCount, insertAt, pickCharIndices, plural, replaceCharsAt } from '../text.js';

const SAME_ANSWER = 'same answer as source: a human reads the same request';

/** Latin letters and Cyrillic/Greek characters that render (nearly) identically. */
const HOMOGLYPHS: Readonly<Record<string, readonly string[]>> = {
  a: ['\u0430'], c: ['\u0441', '\u03f2'], e: ['\u0435'], i: ['\u0456'], j: ['\u0458'], o: ['\u043e', '\u03bf'],
  p: ['\u0440'], s: ['\u0455'], x: ['\u0445'], y: ['\u0443'], v: ['\u03bd'],
  A: ['\u0410', '\u0391'], B: ['\u0412', '\u0392'], C: ['\u0421'], E: ['\u0415', '\u0395'], H: ['\u041d', '\u0397'],
  I: ['\u0406', '\u0399'], K: ['\u041a', '\u039a'], M: ['\u041c', '\u039c'], N: ['\u039d'], O: ['\u041e', '\u039f'],
  P: ['\u0420', '\u03a1'], T: ['\u0422', '\u03a4'], X: ['\u0425', '\u03a7'], Y: ['\u03a5'], Z: ['\u0396'],
};
const HOMOGLYPH_SOURCE = /[aceijopsxyvABCEHIKMNOPTXYZ]/;

export const homoglyphs: ChaosOperator = {
  name: 'homoglyphs',
  family: 'noise',
  description: 'Swaps Latin letters for Cyrillic/Greek look-alikes (a→а, o→ο, P→Р).',
  property: SAME_ANSWER,
  apply(text, rng) {
    const eligible = countMatching(text, HOMOGLYPH_SOURCE, 20_000);
    const positions = pickCharIndices(text, rng, editCount(eligible, 0.3, 5_000), HOMOGLYPH_SOURCE);
    const edits = positions.map((at) => ({ at, piece: rng.pick(HOMOGLYPHS[text[at] as string] ?? [text[at] as string]) }));
    return outcome(text, replaceCharsAt(text, edits), [
      `replaced ${plural(positions.length, 'letter')} with look-alikes at ${describePositions(positions)}`,
    ]);
  },
};

const LETTER = /[A-Za-z]/;
const ACCENTS = ['\u0301', '\u0300', '\u0302', '\u0308', '\u0303', '\u030a', '\u0327', '\u030c'] as const;

export const combiningMarks: ChaosOperator = {
  name: 'combining-marks',
  family: 'noise',
  description: 'Adds a combining accent to some letters (e → é as e + U+0301).',
  property: SAME_ANSWER,
  apply(text, rng) {
    const letters = countMatching(text, LETTER, 20_000);
    const positions = pickCharIndices(text, rng, editCount(letters, 0.1, 2_000), LETTER);
    const inserts = positions.map((at) => ({ at: at + 1, piece: rng.pick(ACCENTS) }));
    return outcome(text, insertAt(text, inserts), [
      `added combining accents to ${plural(positions.length, 'letter')} at ${describePositions(positions)}`,
    ]);
  },
};

/** Combining Diacritical Marks block: the raw material of "zalgo" text. */
function randomMark(rng: { int(n: number): number }): string {
  return String.fromCharCode(0x0300 + rng.int(0x70));
}

export const zalgo: ChaosOperator = {
  name: 'zalgo',
  family: 'noise',
  description: 'Stacks many combining marks on letters ("zalgo" text).',
  property: 'same answer as source: the letters underneath are unchanged',
  apply(text, rng) {
    const letters = countMatching(text, LETTER, 20_000);
    const positions = pickCharIndices(text, rng, editCount(letters, 0.4, 4_000), LETTER);
    let marks = 0;
    const inserts = positions.map((at) => {
      const stack = rng.between(3, 12);
      marks += stack;
      let piece = '';
      for (let k = 0; k < stack; k++) piece += randomMark(rng);
      return { at: at + 1, piece };
    });
    return outcome(text, insertAt(text, inserts), [
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

function typoCount(text: string): { letters: number; count: number } {
  const letters = countMatching(text, LETTER, 20_000);
  return { letters, count: editCount(letters, 0.02, 20) };
}

export const typoAdjacentKey: ChaosOperator = {
  name: 'typo-adjacent-key',
  family: 'noise',
  description: 'Replaces a few letters with a neighbouring key on a QWERTY keyboard.',
  property: SAME_ANSWER,
  apply(text, rng) {
    const positions = pickCharIndices(text, rng, typoCount(text).count, LETTER);
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
    const positions = pickCharIndices(text, rng, typoCount(text).count, LETTER);
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
    const candidates = pickCharIndices(text, rng, typoCount(text).count * 2, LETTER);
    const edits: Array<{ at: number; piece: string }> = [];
    let lastEnd = -1;
    for (const at of candidates) {
      const a = text[at] as string;
      const b = text[at + 1];
      if (at <= lastEnd || b === undefined || !LETTER.test(b) || a === b) continue;
      edits.push({ at, piece: b }, { at: at + 1, piece: a });
      lastEnd = at + 1;
      if (edits.length / 2 >= typoCount(text).count) break;
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
    const out = text.replace(/[A-Za-z]/g, (letter) => {
      if (!rng.chance(0.5)) return letter;
      flipped++;
      const lower = letter.toLowerCase();
      return letter === lower ? letter.toUpperCase() : lower;
    });
    return outcome(text, out, [`flipped the case of ${plural(flipped, 'letter')}`]);
  },
};

const LEET: Readonly<Record<string, string>> = { a: '4', e: '3', i: '1', o: '0', s: '5', t: '7', b: '8', g: '9', l: '1' };

export const leetspeak: ChaosOperator = {
  name: 'leetspeak',
  family: 'noise',
  description: 'Replaces letters with digits that look like them (e→3, a→4, o→0).',
  property: SAME_ANSWER,
  apply(text, rng) {
    let replaced = 0;
    const out = text.replace(/[aeiostbglAEIOSTBGL]/g, (letter) => {
      if (!rng.chance(0.6)) return letter;
      replaced++;
      return LEET[letter.toLowerCase()] ?? letter;
    });
    return outcome(text, out, [`wrote ${plural(replaced, 'letter')} as digits`]);
  },
};

/** Counts matches of a single-character pattern, stopping at `cap` (enough to size edit counts). */
function countMatching(text: string, pattern: RegExp, cap: number): number {
  let count = 0;
  for (let i = 0; i < text.length && count < cap; i++) if (pattern.test(text[i] as string)) count++;
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
