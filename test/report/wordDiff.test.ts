/** The one word diff behind the Markdown report and the HTML page (bundled into its script). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatWordDiff, MAX_EDITS, wordDiff, type DiffPart } from '../../src/report/wordDiff.js';

const same = (text: string): DiffPart => ({ kind: 'same', text });
const removed = (text: string): DiffPart => ({ kind: 'removed', text });
const added = (text: string): DiffPart => ({ kind: 'added', text });

/** The text of one side, rebuilt from the parts. */
const side = (parts: DiffPart[], keep: 'removed' | 'added') => parts.filter((p) => p.kind === 'same' || p.kind === keep).map((p) => p.text).join('');

describe('wordDiff', () => {
  it('marks changed words and keeps shared ones', () => {
    expect(wordDiff('the quick brown fox jumps', 'the slow brown fox leaps high')).toEqual([
      same('the '),
      removed('quick'),
      added('slow'),
      same(' brown fox '),
      removed('jumps'),
      added('leaps high'),
    ]);
  });

  it('handles empty sides and equal texts', () => {
    expect(wordDiff('', 'new text')).toEqual([added('new text')]);
    expect(wordDiff('old text', '')).toEqual([removed('old text')]);
    expect(wordDiff('same', 'same')).toEqual([same('same')]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('treats punctuation as its own token', () => {
    expect(wordDiff('{"a":1}', '{"a":2}')).toEqual([same('{"a":'), removed('1'), added('2'), same('}')]);
  });

  it('joins changes separated only by spaces into one removal and one addition', () => {
    expect(wordDiff('The customer wants a refund.', 'The customer asks about plans.')).toEqual([
      same('The customer '),
      removed('wants a refund'),
      added('asks about plans'),
      same('.'),
    ]);
  });

  it('always rebuilds both texts from the parts, with no two neighbouring parts of the same kind', () => {
    const words = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '.', 'dog', '\n', 'é', '😀'), { maxLength: 30 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(words, words, (a, b) => {
        const parts = wordDiff(a, b);
        expect(side(parts, 'removed')).toBe(a);
        expect(side(parts, 'added')).toBe(b);
        for (let i = 1; i < parts.length; i++) expect(parts[i]!.kind).not.toBe(parts[i - 1]!.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a minimal diff up to the edit cap', () => {
    // Every other word changed: 2 edits per changed word, well under the cap, so the shared words survive.
    const a = Array.from({ length: 200 }, (_, i) => (i % 2 ? `a${i}` : `w${i}`)).join(' ');
    const b = Array.from({ length: 200 }, (_, i) => (i % 2 ? `b${i}` : `w${i}`)).join(' ');
    const parts = wordDiff(a, b);
    expect(parts.filter((p) => p.kind === 'same').map((p) => p.text.trim()).filter(Boolean)).toHaveLength(100);
    expect(side(parts, 'removed')).toBe(a);
    expect(side(parts, 'added')).toBe(b);
  });

  it(`past ${MAX_EDITS} edits shows the changed middle as one removal and one addition`, () => {
    const a = Array.from({ length: 4000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 4000 }, (_, i) => `b${i}`).join(' ');
    expect(wordDiff(`Intro. ${a} The end.`, `Intro. ${b} The end.`)).toEqual([same('Intro. '), removed(a), added(b), same(' The end.')]);
  });
});

describe('formatWordDiff (Markdown)', () => {
  it('marks removed and added words git-style, keeping the spacing around them', () => {
    expect(formatWordDiff(wordDiff('a b c d', 'a x c d'))).toBe('a [-b-]{+x+} c d');
    expect(formatWordDiff(wordDiff('a refund for order', 'a refund & credit for order'))).toBe('a refund {+& credit+} for order');
    expect(formatWordDiff(wordDiff('', 'new text'))).toBe('{+new text+}');
  });

  it('elides long unchanged stretches down to the context around each change', () => {
    const long = 'one two three four five six seven eight nine ten';
    expect(formatWordDiff(wordDiff(`${long} end`, `${long} finish`))).toBe('… seven eight nine ten [-end-]{+finish+}');
    expect(formatWordDiff(wordDiff(`start ${long} end`, `begin ${long} finish`))).toBe('[-start-]{+begin+} one two three four … seven eight nine ten [-end-]{+finish+}');
    expect(formatWordDiff(wordDiff(`x ${long}`, `y ${long}`), 2)).toBe('[-x-]{+y+} one two …');
  });

  it('counts changes in whitespace alone as identical, and prints one line', () => {
    expect(formatWordDiff(wordDiff('same words', 'same  words'))).toBe('(identical)');
    expect(formatWordDiff(wordDiff('a\nb', 'a b'))).toBe('(identical)');
    expect(formatWordDiff(wordDiff('first line\nsecond line', 'first line\nthird line'))).toBe('first line [-second-]{+third+} line');
  });
});
