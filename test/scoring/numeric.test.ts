import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { formatNumber, parseNumber, withinTolerance } from '../../src/scoring/numbers.js';
import { numeric } from '../../src/scoring/numeric.js';
import { runScorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

describe('parseNumber', () => {
  it('takes numbers and plain numeric strings as they are, without a note', () => {
    expect(parseNumber(12.5)).toEqual({ ok: true, value: 12.5 });
    expect(parseNumber(' -3 ')).toEqual({ ok: true, value: -3 });
    expect(parseNumber('.5')).toEqual({ ok: true, value: 0.5 });
    expect(parseNumber('1e3')).toEqual({ ok: true, value: 1000 });
  });

  it.each([
    ['1,234.50', 1234.5, '"," as thousands separator'],
    ['$1,234.50', 1234.5, 'currency "$" dropped, "," as thousands separator'],
    ['$12', 12, 'currency "$" dropped'],
    ['12 USD', 12, 'currency "USD" dropped'],
    ['-€3.20', -3.2, 'currency "€" dropped'],
    ['€-3.20', -3.2, 'currency "€" dropped'],
    ['1.234,50', 1234.5, '"." as thousands separator, "," as decimal separator'],
    ['12,5', 12.5, '"," as decimal separator'],
    ['0,125', 0.125, '"," as decimal separator'],
    ['1,234', 1234, '"," as thousands separator'],
    ['1.234.567', 1234567, '"." as thousands separator'],
    ['1 234 567', 1234567, 'spaces as thousands separators'],
    ["1'234.5", 1234.5, `"'" as thousands separator`],
    ['12,34,567', 1234567, '"," as thousands separator'],
    ['(12.50)', -12.5, 'parentheses as a minus sign'],
    ['15%', 15, '"%" dropped'],
    ['\u22125', -5, undefined],
  ])('reads %s as %d and says how', (text, value, how) => {
    const parsed = parseNumber(text);
    expect(parsed).toMatchObject({ ok: true, value });
    if (how) expect(parsed).toMatchObject({ note: `read from ${JSON.stringify(text)}: ${how}` });
  });

  it.each(['twelve', '12 kg', 'about 12', '1,2,3', '12 34', '$12 USD', '--5', '1.234.5', '(-5)', '1.2.3'])('refuses %s with a reason that quotes it', (text) => {
    expect(parseNumber(text)).toEqual({ ok: false, reason: `${JSON.stringify(text)} is not a number` });
  });

  it('refuses NaN, infinities, empty strings and non-numbers, each with its own reason', () => {
    expect(parseNumber(Number.NaN)).toEqual({ ok: false, reason: 'is NaN, not a number' });
    expect(parseNumber(Infinity)).toEqual({ ok: false, reason: 'is Infinity, not a finite number' });
    expect(parseNumber('  ')).toEqual({ ok: false, reason: '"  " is empty, not a number' });
    expect(parseNumber(null)).toEqual({ ok: false, reason: 'is null, not a number' });
    expect(parseNumber(true)).toEqual({ ok: false, reason: 'is boolean true, not a number' });
    expect(parseNumber([1])).toEqual({ ok: false, reason: 'is a list, not a number' });
    expect(parseNumber(undefined)).toEqual({ ok: false, reason: 'is missing' });
  });
});

describe('withinTolerance', () => {
  it('passes within the absolute or the relative bound, absorbing float error', () => {
    expect(withinTolerance(12.51, 12.5, { absolute: 0.01 })).toEqual({ pass: true, difference: expect.closeTo(0.01, 12), allowed: '±0.01' });
    expect(withinTolerance(12.52, 12.5, { absolute: 0.01 }).pass).toBe(false);
    expect(withinTolerance(101, 100, { relative: 0.01 })).toMatchObject({ pass: true, allowed: '±1% (1)' });
    expect(withinTolerance(102, 100, { absolute: 0.5, relative: 0.01 })).toMatchObject({ pass: false, allowed: '±0.5 or ±1% (1)' });
    expect(withinTolerance(100.4, 100, { absolute: 0.5, relative: 0.001 }).pass).toBe(true);
  });

  it('needs equality without a tolerance', () => {
    expect(withinTolerance(0.1 + 0.2, 0.3, {})).toMatchObject({ pass: true, allowed: 'exactly' });
    expect(withinTolerance(3, 4, {})).toMatchObject({ pass: false, difference: 1 });
  });

  it('formats numbers without float noise', () => {
    expect(formatNumber(12.6 - 12.5)).toBe('0.1');
    expect(formatNumber(1234)).toBe('1234');
  });
});

describe('numeric', () => {
  const invoice = (total: unknown) => makeSample(JSON.stringify({ total }), { total: 1234.5 });

  it('passes within tolerance and says how a formatted string was read', async () => {
    const score = await runScorer(numeric({ field: 'total', expectedField: 'total', absolute: 0.01 }), invoice('$1,234.50'), context);
    expect(score).toMatchObject({ name: 'numeric(total)', score: 1, pass: true });
    expect(score.reason).toBe(
      'output.total 1234.5 (read from "$1,234.50": currency "$" dropped, "," as thousands separator) is within ±0.01 of expected.total 1234.5 (difference 0)',
    );
  });

  it('fails outside the tolerance, quoting the difference and both bounds', async () => {
    const score = await runScorer(numeric({ field: 'total', expectedField: 'total', absolute: 0.01, relative: 0.0001 }), invoice(1234.9), context);
    expect(score).toMatchObject({ score: 0, pass: false });
    expect(score.reason).toBe('output.total 1234.9 is not within ±0.01 or ±0.01% (0.12345) of expected.total 1234.5 (difference 0.4)');
    expect(score.details).toMatchObject({ actual: 1234.9, expected: 1234.5, absolute: 0.01, relative: 0.0001 });
  });

  it('without a tolerance needs the same number, and reads the whole output when no field is given', async () => {
    expect(await runScorer(numeric(), makeSample(' 42 ', 42), context)).toMatchObject({ pass: true, reason: 'output 42 equals expected 42' });
    expect(await runScorer(numeric(), makeSample('41', 42), context)).toMatchObject({ pass: false, reason: 'output 41 does not equal expected 42 (difference 1)' });
  });

  it('fails an answer that is not a number, with the reason', async () => {
    const score = await runScorer(numeric({ field: 'total', expectedField: 'total' }), invoice('twelve'), context);
    expect(score).toEqual({ name: 'numeric(total)', score: 0, pass: false, reason: 'output.total "twelve" is not a number', details: { expected: 1234.5 } });
    expect(score.error).toBeUndefined();
    const nan = await runScorer(numeric({ field: 'total', expectedField: 'total' }), invoice(null), context);
    expect(nan.reason).toBe('output.total is null, not a number');
    expect((await runScorer(numeric({ field: 'total', expectedField: 'total' }), makeSample('{}', { total: 1 }), context)).reason).toBe('output.total is missing');
  });

  it('is an error when the case has no expected number', async () => {
    const missing = await runScorer(numeric({ field: 'total', expectedField: 'totl' }), invoice(1), context);
    expect(missing).toMatchObject({ pass: false, error: 'expected.totl is missing: the case has no expected value to compare with' });
    const word = await runScorer(numeric({ field: 'total', expected: 'n/a' }), invoice(1), context);
    expect(word.error).toBe('expected "n/a" is not a number: the case has no number to compare with');
  });

  it('rejects a negative or non-numeric tolerance when the suite loads', () => {
    expect(() => numeric({ absolute: -1 })).toThrow(InputError);
    expect(() => numeric({ relative: Number.NaN })).toThrow(/relative tolerance must be a number ≥ 0, got null/);
  });
});
