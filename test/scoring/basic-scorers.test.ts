import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { contains, notContains } from '../../src/scoring/contains.js';
import { exact } from '../../src/scoring/exact.js';
import { regex } from '../../src/scoring/regex.js';
import { runScorer, type Score, type Scorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

function score(scorer: Scorer, output: string, expected?: unknown): Score {
  return scorer.score(makeSample(output, expected), context) as Score;
}

describe('exact', () => {
  it('passes on equal text after trimming by default', () => {
    expect(score(exact(), 'Paris\n', 'Paris')).toEqual({ name: 'exact', score: 1, pass: true, reason: 'output equals expected' });
  });

  it('fails with both values quoted in the reason', () => {
    const result = score(exact(), 'paris', 'Paris');
    expect(result.pass).toBe(false);
    expect(result.score).toBe(0);
    expect(result.reason).toBe('output "paris" does not equal expected "Paris"');
  });

  it('can ignore case and keep whitespace', () => {
    expect(score(exact({ caseInsensitive: true }), 'PARIS', 'paris').pass).toBe(true);
    expect(score(exact({ trim: false }), 'Paris ', 'Paris').pass).toBe(false);
  });

  it('reads JSON fields on both sides and compares objects structurally', () => {
    const scorer = exact({ field: 'answer', expectedField: 'answer' });
    expect(scorer.name).toBe('exact(answer)');
    const result = score(scorer, 'Here: {"answer": {"b": 2, "a": 1}}', { answer: { a: 1, b: 2 } });
    expect(result).toMatchObject({ pass: true, reason: 'output.answer equals expected.answer' });
  });

  it('uses an explicit expected value or function', () => {
    expect(score(exact({ expected: 'yes' }), 'yes').pass).toBe(true);
    expect(score(exact({ expected: (sample: { vars: Record<string, unknown> }) => sample.vars['x'] ?? 'no' }), 'no').pass).toBe(true);
  });

  it('fails (not errors) when the output is not JSON, and errors when expected is missing', () => {
    const notJson = score(exact({ field: 'a' }), 'plain words', 'x');
    expect(notJson).toMatchObject({ pass: false, reason: 'output is not JSON: no JSON object or array found in the text' });
    expect(notJson.error).toBeUndefined();
    const missingField = score(exact({ field: 'a' }), '{"b": 1}', 'x');
    expect(missingField.reason).toBe('output.a is missing');
    const noExpected = score(exact(), 'x');
    expect(noExpected.error).toMatch(/^expected is missing/);
  });
});

describe('contains', () => {
  it('mode all: score is the fraction found and the reason lists missing values', () => {
    const scorer = contains({ values: ['refund', 'apology', 'ticket'] });
    const result = score(scorer, 'We will refund you.');
    expect(result.score).toBeCloseTo(1 / 3);
    expect(result.pass).toBe(false);
    expect(result.reason).toBe('output is missing 2 of 3 values (found 0.33): "apology", "ticket"');
    expect(score(scorer, 'refund apology ticket')).toMatchObject({ score: 1, pass: true, reason: 'output contains all 3 values' });
  });

  it('mode any: 1 when one value is found, 0 otherwise', () => {
    const scorer = contains({ values: ['yes', 'sure'], mode: 'any' });
    expect(score(scorer, 'sure thing')).toMatchObject({ score: 1, pass: true, reason: 'output contains "sure"' });
    expect(score(scorer, 'no')).toMatchObject({ score: 0, pass: false, reason: 'output contains none of "yes", "sure"' });
  });

  it('can ignore case and take values from the sample', () => {
    const scorer = contains({ values: (sample) => [String(sample.expected)], caseInsensitive: true });
    expect(score(scorer, 'The REFUND is done', 'refund').pass).toBe(true);
  });

  it('rejects an empty static list at factory time', () => {
    expect(() => contains({ values: [] })).toThrow(InputError);
  });

  it('refuses an empty string to look for, which every output contains, at factory time', () => {
    expect(() => contains({ values: ['refund', ''] })).toThrow('contains: values is a list with an empty string at 1, which every text contains');
    expect(() => notContains({ values: [''] })).toThrow(InputError);
  });

  it('errors, never passes, when values(sample) gives an empty string or no list; an empty list has nothing to look for', async () => {
    for (const [values, problem] of [
      [['refund', ''], 'a list with an empty string at 1, which every text contains'],
      [[42], 'a list with number at 0, not a string'],
      [undefined, 'undefined, not a list of strings'],
    ] as const) {
      for (const scorer of [contains({ values: () => values as unknown as string[] }), notContains({ values: () => values as unknown as string[] })]) {
        const result = await runScorer(scorer, makeSample('any output'), context);
        expect(result).toMatchObject({ pass: false, error: `${scorer.name}: values(sample) returned ${problem}` });
      }
    }
    expect(await runScorer(contains({ values: () => [] }), makeSample('any output'), context)).toMatchObject({ pass: true, score: 1 });
  });

  it('notContains passes when nothing forbidden appears', () => {
    const scorer = notContains({ values: ['password', 'secret'] });
    expect(score(scorer, 'all clear')).toMatchObject({ score: 1, pass: true });
    expect(score(scorer, 'the secret is out')).toMatchObject({
      score: 0.5,
      pass: false,
      reason: 'output contains forbidden "secret"',
    });
  });
});

describe('field paths', () => {
  it('refuse reserved segments when the scorer is built, and read own properties only', () => {
    expect(() => exact({ field: 'a.__proto__.b' })).toThrow(InputError);
    expect(() => exact({ field: 'a.__proto__.b' })).toThrow('field: the path "a.__proto__.b" uses the reserved segment "__proto__"');
    expect(() => exact({ expectedField: 'prototype' })).toThrow('expectedField: the path "prototype" uses the reserved segment "prototype"');
    // An inherited name such as toString is not a field of the output.
    expect(score(exact({ field: 'toString', expected: 'x' }), '{"a": 1}')).toMatchObject({ pass: false, reason: 'output.toString is missing' });
  });
});

describe('regex', () => {
  it('passes on a match and names the matched text', () => {
    const result = score(regex({ pattern: '^\\{' }), '{"a":1}');
    expect(result).toMatchObject({ name: 'regex', pass: true, reason: 'output matches /^\\{/ at "{"' });
  });

  it('fails without a match', () => {
    expect(score(regex({ pattern: /\d+/ }), 'none')).toMatchObject({ pass: false, reason: 'output does not match /\\d+/' });
  });

  it('mustMatch false inverts the check', () => {
    const scorer = regex({ pattern: 'as an ai', flags: 'i', mustMatch: false });
    expect(scorer.name).toBe('notRegex');
    expect(score(scorer, 'As an AI model…')).toMatchObject({ pass: false, reason: 'output matches forbidden /as an ai/i at "As an AI"' });
    expect(score(scorer, 'Here you go').pass).toBe(true);
  });

  it('is stateless even with the g flag', () => {
    const scorer = regex({ pattern: /a/g });
    expect([1, 2, 3].map(() => score(scorer, 'a').pass)).toEqual([true, true, true]);
  });

  // Each of these would backtrack for hours on JavaScript's engine; on the linear-time engine they end at once
  // (a regression shows up as the test's timeout, not as a timing assertion).
  it('cannot backtrack catastrophically, whatever the pattern and the output', () => {
    const hostile = `${'a'.repeat(100)}!`;
    expect(score(regex({ pattern: '^(a+)+$' }), hostile)).toMatchObject({ pass: false, reason: 'output does not match /^(a+)+$/' });
    expect(score(regex({ pattern: /^(a|a)*$/i }), hostile).pass).toBe(false);
    expect(score(regex({ pattern: '^(\\w+\\s?)*$', mustMatch: false }), `${'word '.repeat(60)}!`).pass).toBe(true);
  });

  it('keeps JavaScript syntax and flags: case-insensitive, Unicode, named groups, escaped slashes', () => {
    expect(score(regex({ pattern: 'refund', flags: 'i' }), 'Your REFUND is on its way')).toMatchObject({ pass: true, reason: 'output matches /refund/i at "REFUND"' });
    expect(score(regex({ pattern: '^\\p{Lu}\\p{Ll}+$', flags: 'u' }), 'Élodie').pass).toBe(true);
    expect(score(regex({ pattern: '(?<year>\\d{4})-\\d{2}' }), 'due 2026-11').reason).toBe('output matches /(?<year>\\d{4})-\\d{2}/ at "2026-11"');
    expect(score(regex({ pattern: 'a/b' }), 'x a/b y').reason).toBe('output matches /a\\/b/ at "a/b"');
    expect(score(regex({ pattern: '^line two$', flags: 'm' }), 'line one\nline two').pass).toBe(true);
    expect(score(regex({ pattern: 'a.b', flags: 's' }), 'a\nb').pass).toBe(true);
  });

  it('refuses, when it is built, a pattern the linear-time engine cannot run, naming where and why', () => {
    const where = { file: 'cases.jsonl', line: 4, field: 'checks[1].pattern' };
    for (const [pattern, construct] of [
      ['^(?=.*\\d)\\w+$', 'a lookahead'],
      ['^(?!no)\\w+$', 'a negative lookahead'],
      ['(?<=\\$)\\d+', 'a lookbehind'],
      ['(\\w)\\1', 'a backreference'],
      ['(?<q>[\'"]).*\\k<q>', 'a named backreference'],
    ] as const) {
      expect(() => regex({ pattern, source: where }), pattern).toThrow(InputError);
      expect(() => regex({ pattern, source: where }), pattern).toThrow(`cases.jsonl:4: checks[1].pattern: regular expression /${new RegExp(pattern).source}/ uses ${construct}`);
    }
    expect(() => regex({ pattern: '(?=a)' })).toThrow(/hint: promptgold runs regular expressions on a linear-time engine \(RE2\)/);
    // Inside a character class the same characters are plain characters.
    expect(score(regex({ pattern: '[(?=]x' }), '=x').pass).toBe(true);
  });

  it('throws InputError naming the pattern when it does not compile', () => {
    expect(() => regex({ pattern: '(unclosed' })).toThrow(InputError);
    expect(() => regex({ pattern: '(unclosed', source: { file: 'cases.jsonl', line: 3, field: 'checks[0].pattern' } })).toThrow(
      /^cases\.jsonl:3: checks\[0\]\.pattern: invalid regular expression \/\(unclosed\/: /,
    );
  });
});
