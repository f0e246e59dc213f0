import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { all, any, weighted } from '../../src/scoring/combinators.js';
import { contains } from '../../src/scoring/contains.js';
import { custom } from '../../src/scoring/custom.js';
import { runScorer } from '../../src/scoring/types.js';
import type { Scorer } from '../../src/scoring/types.js';
import { context, makeSample } from './sample.js';

const sample = makeSample('We will refund your order.');
const passing = custom('passing', () => true);
const failing = custom('failing', () => false);
const throwing = custom('throwing', () => {
  throw new Error('boom');
});

describe('custom', () => {
  it('maps booleans to 1/0', async () => {
    expect(await runScorer(passing, sample, context)).toEqual({ name: 'passing', score: 1, pass: true, reason: 'passing returned true' });
    expect(await runScorer(failing, sample, context)).toMatchObject({ score: 0, pass: false });
  });

  it('compares numbers to the threshold, default 0.5', async () => {
    expect(await runScorer(custom('n', () => 0.5), sample, context)).toMatchObject({ pass: true, reason: 'n returned 0.50 >= 0.50' });
    expect(await runScorer(custom('n', () => 0.6, { threshold: 0.7 }), sample, context)).toMatchObject({
      pass: false,
      reason: 'n returned 0.60 < 0.70',
    });
  });

  it('accepts Score-like objects and promises', async () => {
    const scorer = custom('async', async (s) => ({ score: 0.9, reason: `length ${s.output.length}` }));
    expect(await runScorer(scorer, sample, context)).toEqual({ name: 'async', score: 0.9, pass: true, reason: 'length 26' });
    const explicit = custom('explicit', () => ({ score: 0.9, pass: false }));
    expect(await runScorer(explicit, sample, context)).toMatchObject({ pass: false, reason: 'explicit returned 0.90 (fail)' });
  });

  it('a throwing function becomes an errored score through runScorer', async () => {
    expect(await runScorer(throwing, sample, context)).toEqual({
      name: 'throwing',
      score: 0,
      pass: false,
      reason: 'scorer threw: boom',
      error: 'boom',
    });
    const rejecting = custom('rejecting', () => Promise.reject(new Error('late boom')));
    expect(await runScorer(rejecting, sample, context)).toMatchObject({ pass: false, error: 'late boom' });
    const badReturn = custom('bad', () => 'yes' as unknown as boolean);
    expect((await runScorer(badReturn, sample, context)).error).toMatch(/must return a boolean, a number/);
  });
});

describe('all', () => {
  it('passes when every child passes; score is the minimum', async () => {
    const scorer = all([passing, contains({ values: ['refund'] }), custom('half', () => 0.6)]);
    expect(scorer.name).toBe('all(passing, contains, half)');
    const result = await runScorer(scorer, sample, context);
    expect(result).toMatchObject({ score: 0.6, pass: true, reason: 'all 3 passed' });
    expect(result.children?.map((child) => child.name)).toEqual(['passing', 'contains', 'half']);
  });

  it('fails naming the first failing child and its reason', async () => {
    const result = await runScorer(all([passing, contains({ values: ['apology'] })]), sample, context);
    expect(result).toMatchObject({
      score: 0,
      pass: false,
      reason: '1 of 2 passed; contains failed: output is missing 1 of 1 values (found 0.00): "apology"',
    });
  });

  it('is errored when a child throws', async () => {
    const result = await runScorer(all([passing, throwing]), sample, context);
    expect(result).toMatchObject({ pass: false, error: 'throwing: boom' });
    expect(result.children?.[1]).toMatchObject({ error: 'boom' });
  });

  it('awaits async children', async () => {
    const slow: Scorer = { name: 'slow', score: () => new Promise((resolve) => setTimeout(() => resolve({ name: 'slow', score: 1, pass: true, reason: 'ok' }), 5)) };
    expect(await runScorer(all([slow, passing]), sample, context)).toMatchObject({ pass: true });
  });

  it('needs at least one child', () => {
    expect(() => all([])).toThrow(InputError);
  });
});

describe('any', () => {
  it('passes when one child passes, ignoring an errored sibling', async () => {
    const result = await runScorer(any([throwing, failing, passing]), sample, context);
    expect(result).toMatchObject({ score: 1, pass: true, reason: '1 of 3 passed; passing: passing returned true' });
    expect(result.error).toBeUndefined();
  });

  it('fails, and is errored when no child passes and one errored', async () => {
    expect(await runScorer(any([failing, failing]), sample, context)).toMatchObject({
      pass: false,
      reason: 'none of 2 passed; failing: failing returned false',
    });
    expect(await runScorer(any([failing, throwing]), sample, context)).toMatchObject({ pass: false, error: 'throwing: boom' });
  });
});

describe('weighted', () => {
  it('computes the weighted mean against the threshold', async () => {
    const scorer = weighted([{ scorer: passing, weight: 3 }, { scorer: failing, weight: 1 }], { threshold: 0.7 });
    const result = await runScorer(scorer, sample, context);
    expect(result).toMatchObject({ score: 0.75, pass: true, reason: 'weighted score 0.75 >= 0.70 (passing 1.00×3, failing 0.00×1)' });
    const strict = await runScorer(weighted([{ scorer: passing, weight: 1 }, { scorer: failing, weight: 3 }]), sample, context);
    expect(strict).toMatchObject({ score: 0.25, pass: false });
  });

  it('is errored when a child throws, and rejects bad weights', async () => {
    const result = await runScorer(weighted([{ scorer: passing, weight: 1 }, { scorer: throwing, weight: 1 }]), sample, context);
    expect(result).toMatchObject({ pass: false, error: 'throwing: boom' });
    expect(() => weighted([{ scorer: passing, weight: 0 }])).toThrow(/weighted\[0\]\.weight: weight must be a positive number/);
  });
});
