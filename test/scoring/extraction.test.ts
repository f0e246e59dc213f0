import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { all } from '../../src/scoring/combinators.js';
import { extraction } from '../../src/scoring/extraction.js';
import { compareFields, compileFieldMatcher, compileFieldSpecs } from '../../src/scoring/field-match.js';
import { fieldOutcomes } from '../../src/scoring/field-results.js';
import { runScorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

const here = { field: 'fields.x' };

describe('field matchers', () => {
  it('exact trims strings and compares other values as stable JSON', () => {
    const exact = compileFieldMatcher('exact', here);
    expect(exact(' ACME ', 'ACME')).toMatchObject({ pass: true, score: 1 });
    expect(exact({ b: 2, a: 1 }, { a: 1, b: 2 })).toMatchObject({ pass: true });
    expect(exact('Acme', 'ACME')).toEqual({ pass: false, score: 0, reason: '"Acme" ≠ "ACME"' });
    expect(compileFieldMatcher('ignoreCase', here)('Acme', 'ACME')).toMatchObject({ pass: true, reason: 'equals "ACME" ignoring case' });
  });

  it('numeric reads both sides as numbers, with or without a tolerance', () => {
    expect(compileFieldMatcher('numeric', here)('1,234.50', 1234.5)).toMatchObject({ pass: true });
    const tolerant = compileFieldMatcher({ absolute: 0.01 }, here);
    expect(tolerant(12.6, 12.5)).toEqual({ pass: false, score: 0, reason: '12.6 differs from 12.5 by 0.1 (allowed ±0.01)' });
    expect(tolerant('$12.505', 12.5)).toMatchObject({ pass: true, reason: '12.505 (read from "$12.505": currency "$" dropped) matches 12.5 within ±0.01' });
    expect(tolerant('lots', 12.5)).toEqual({ pass: false, score: 0, reason: '"lots" is not a number' });
    expect(tolerant(12, 'n/a')).toMatchObject({ error: '"n/a" is not a number' });
  });

  it('fuzzy passes at or above its threshold and scores the similarity', () => {
    const fuzzy = compileFieldMatcher({ fuzzy: 0.8 }, here);
    expect(fuzzy('Acme Corporation', 'Acme Corporation Inc')).toMatchObject({ pass: true });
    const low = fuzzy('Globex', 'Acme Corporation');
    expect(low.pass).toBe(false);
    expect(low.reason).toMatch(/^"Globex" dice similarity 0\.\d\d < 0\.80 to "Acme Corporation"$/);
    expect(compileFieldMatcher({ fuzzy: 0.5, method: 'tokenSet' }, here)('b a', 'a b').score).toBe(1);
  });

  it('rejects a bad matcher at the option that holds it', () => {
    expect(() => compileFieldMatcher('exakt' as never, here)).toThrow(/fields\.x: not a field matcher: "exakt"/);
    expect(() => compileFieldMatcher({ fuzzy: 2 }, here)).toThrow(/threshold must be between 0 and 1, got 2/);
    expect(() => compileFieldMatcher({ absolute: -1 }, here)).toThrow(/absolute tolerance must be a number ≥ 0/);
    expect(() => compileFieldMatcher({ tolerance: 1 } as never, here)).toThrow(InputError);
    expect(() => compileFieldSpecs({}, { field: 'fields' })).toThrow(/fields is empty/);
  });
});

describe('compareFields', () => {
  it('compares every top-level field of the expected object by default, numbers numerically', () => {
    const comparison = compareFields({ vendor: 'ACME', total: '$12.50', extra: 1 }, { vendor: 'ACME', total: 12.5, currency: 'USD' }, undefined, 'expected');
    expect(comparison.right).toBe(2);
    expect(comparison.total).toBe(3);
    expect(comparison.results.map((r) => [r.path, r.result.pass, r.result.reason])).toEqual([
      ['vendor', true, 'equals "ACME"'],
      ['total', true, '12.5 (read from "$12.50": currency "$" dropped) matches 12.5'],
      ['currency', false, 'missing (expected "USD")'],
    ]);
  });

  it('treats a null expected field as one that must be absent or null', () => {
    const specs = compileFieldSpecs({ discount: 'exact' }, { field: 'fields' });
    expect(compareFields({}, { discount: null }, specs, 'expected').right).toBe(1);
    expect(compareFields({ discount: null }, { discount: null }, specs, 'expected').right).toBe(1);
    expect(compareFields({ discount: 5 }, { discount: null }, specs, 'expected').results[0]!.result).toMatchObject({ pass: false, reason: '"5" where none was expected' });
  });

  it('follows dotted paths and reports a field the case lacks as an error, not a failure', () => {
    const specs = compileFieldSpecs({ 'address.city': 'ignoreCase', 'address.zip': 'exact' }, { field: 'fields' });
    expect(compareFields({ address: { city: 'paris', zip: '75001' } }, { address: { city: 'Paris', zip: '75001' } }, specs, 'expected.invoice').right).toBe(2);
    expect(compareFields({}, { address: { city: 'Paris' } }, specs, 'expected.invoice').error).toBe(
      'expected.invoice.address.zip is missing: the case has no expected value for this field (write null for a field that must be absent)',
    );
    expect(compareFields({}, 'text', undefined, 'expected').error).toMatch(/^expected is not an object/);
    expect(compareFields({}, {}, undefined, 'expected').error).toBe('expected is an empty object: there are no fields to compare');
  });
});

describe('extraction', () => {
  const expected = { invoice: { vendor: 'ACME Corp', total: 1234.5, date: '2024-03-01', currency: 'USD' } };
  const fields = { vendor: { fuzzy: 0.8 }, total: { absolute: 0.01 }, date: 'exact', currency: 'ignoreCase' } as const;

  it('passes when every field is right and puts each field in details', async () => {
    const output = '```json\n{"vendor": "ACME Corp.", "total": "$1,234.50", "date": "2024-03-01", "currency": "usd"}\n```';
    const score = await runScorer(extraction({ expectedField: 'invoice', fields }), makeSample(output, expected), context);
    expect(score).toMatchObject({ name: 'extraction', score: 1, pass: true, reason: 'output matches expected.invoice on all 4 fields' });
    expect(score.details).toEqual({
      fields: { vendor: { pass: true, score: expect.any(Number) }, total: { pass: true, score: 1 }, date: { pass: true, score: 1 }, currency: { pass: true, score: 1 } },
      right: 4,
      total: 4,
    });
  });

  it('fails with the share of fields right and names the wrong ones with their numbers', async () => {
    const output = JSON.stringify({ vendor: 'ACME Corp', total: 1234.6, date: '2024-03-02', currency: 'USD' });
    const score = await runScorer(extraction({ expectedField: 'invoice', fields }), makeSample(output, expected), context);
    expect(score).toMatchObject({ score: 0.5, pass: false });
    expect(score.reason).toBe(
      'output: 2 of 4 fields right (0.50) against expected.invoice; total: 1234.6 differs from 1234.5 by 0.1 (allowed ±0.01); date: "2024-03-02" ≠ "2024-03-01"',
    );
    expect(score.details!['fields']).toMatchObject({ total: { pass: false, reason: '1234.6 differs from 1234.5 by 0.1 (allowed ±0.01)' }, vendor: { pass: true } });
    const lenient = await runScorer(extraction({ expectedField: 'invoice', fields, threshold: 0.5 }), makeSample(output, expected), context);
    expect(lenient).toMatchObject({ pass: true });
    expect(lenient.reason).toMatch(/^output: 2 of 4 fields right \(0\.50\) >= 0\.50 against/);
  });

  it('reads a field of the output and compares all expected fields by default', async () => {
    const output = JSON.stringify({ result: { vendor: 'ACME Corp', total: '1234.50', date: '2024-03-01', currency: 'EUR' } });
    const score = await runScorer(extraction({ field: 'result', expectedField: 'invoice' }), makeSample(output, expected), context);
    expect(score).toMatchObject({ name: 'extraction(result)', score: 0.75, pass: false });
    expect(score.reason).toBe('output.result: 3 of 4 fields right (0.75) against expected.invoice; currency: "EUR" ≠ "USD"');
  });

  it('counts every field wrong when the output is not JSON: a failure, not an error', async () => {
    const score = await runScorer(extraction({ expectedField: 'invoice' }), makeSample('I could not read the invoice.', expected), context);
    expect(score.error).toBeUndefined();
    expect(score).toMatchObject({ score: 0, pass: false });
    expect(score.reason).toMatch(/^output is not JSON: .*: 0 of 4 fields right \(0\.00\)$/);
    expect([...fieldOutcomes(score)]).toEqual([['vendor', false], ['total', false], ['date', false], ['currency', false]]);
  });

  it('is an error when the case has no expected object or lacks a listed field', async () => {
    const missing = await runScorer(extraction({ expectedField: 'invoce' }), makeSample('{}', expected), context);
    expect(missing.error).toBe('expected.invoce is missing: the case has no expected value to compare with');
    const lacking = await runScorer(extraction({ expectedField: 'invoice', fields: { due: 'exact' } }), makeSample('{"due": "x"}', expected), context);
    expect(lacking.error).toMatch(/^expected\.invoice\.due is missing/);
    expect([...fieldOutcomes(lacking)]).toEqual([]);
  });

  it('rejects bad options when the suite loads', () => {
    expect(() => extraction({ threshold: 1.5 })).toThrow(/threshold must be between 0 and 1/);
    expect(() => extraction({ fields: { total: { fuzzy: 'high' } as never } })).toThrow(/fields\.total: a fuzzy field threshold/);
  });
});

describe('fieldOutcomes', () => {
  it('finds per-field results in a combinator’s children and skips errored scores', async () => {
    const sample = makeSample('{"a": 1, "b": 2}', { a: 1, b: 3 });
    const score = await runScorer(all([extraction({ name: 'x' })]), sample, context);
    expect([...fieldOutcomes(score)]).toEqual([['a', true], ['b', false]]);
    expect([...fieldOutcomes({ name: 'e', score: 0, pass: false, reason: 'r', error: 'r', details: { fields: { a: { pass: true } } } })]).toEqual([]);
    expect([...fieldOutcomes({ name: 'm', score: 0, pass: false, reason: 'r', details: { fields: { a: { pass: 'yes' }, b: null } } })]).toEqual([]);
  });
});
