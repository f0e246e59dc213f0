import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WORD_DIFF_JS } from '../../src/report/html/client/wordDiff.js';

// The exact source shipped in the page, evaluated here.
const wordDiff = new Function(`${WORD_DIFF_JS}; return wordDiff;`)() as (a: string, b: string) => Array<['=' | '-' | '+', string]>;

const side = (ops: Array<[string, string]>, keep: string) => ops.filter(([op]) => op === '=' || op === keep).map(([, text]) => text).join('');

describe('word diff (page script)', () => {
  it('marks changed words and keeps shared ones', () => {
    expect(wordDiff('the quick brown fox jumps', 'the slow brown fox leaps high')).toEqual([
      ['=', 'the '],
      ['-', 'quick'],
      ['+', 'slow'],
      ['=', ' brown fox '],
      ['-', 'jumps'],
      ['+', 'leaps high'],
    ]);
  });

  it('handles empty sides and equal texts', () => {
    expect(wordDiff('', 'new text')).toEqual([['+', 'new text']]);
    expect(wordDiff('old text', '')).toEqual([['-', 'old text']]);
    expect(wordDiff('same', 'same')).toEqual([['=', 'same']]);
    expect(wordDiff('', '')).toEqual([]);
  });

  it('treats punctuation as its own token', () => {
    expect(wordDiff('{"a":1}', '{"a":2}')).toEqual([['=', '{"a":'], ['-', '1'], ['+', '2'], ['=', '}']]);
  });

  it('always reconstructs both texts from the ops, with no two neighbouring ops of the same kind', () => {
    const words = fc.array(fc.constantFrom('a', 'b', 'c', ' ', '.', 'dog', '\n', 'é', '😀'), { maxLength: 30 }).map((xs) => xs.join(''));
    fc.assert(
      fc.property(words, words, (a, b) => {
        const ops = wordDiff(a, b);
        expect(side(ops, '-')).toBe(a);
        expect(side(ops, '+')).toBe(b);
        for (let i = 1; i < ops.length; i++) expect(ops[i]![0]).not.toBe(ops[i - 1]![0]);
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on a huge edit distance with one deletion and one insertion, still reconstructing', () => {
    const a = Array.from({ length: 4000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 4000 }, (_, i) => `b${i}`).join(' ');
    const started = Date.now();
    const ops = wordDiff(a, b);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(side(ops, '-')).toBe(a);
    expect(side(ops, '+')).toBe(b);
  });
});

describe('word diff readability', () => {
  it('joins changes separated only by spaces into one deletion and one insertion', () => {
    expect(wordDiff('The customer wants a refund.', 'The customer asks about plans.')).toEqual([
      ['=', 'The customer '],
      ['-', 'wants a refund'],
      ['+', 'asks about plans'],
      ['=', '.'],
    ]);
  });
});
