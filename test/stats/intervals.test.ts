import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  clusteredPairedDifference,
  meanInterval,
  pairedDifference,
  standardError,
  wilsonInterval,
} from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

describe('wilsonInterval', () => {
  // Reference values from the Wilson formula evaluated in mpmath (40 digits); R 4.3
  // prop.test(8, 10, correct = FALSE)$conf.int gives the same 0.4901625 0.9433178.
  it('8/10 at 95%', () => {
    const { low, high, estimate } = wilsonInterval(8, 10);
    expect(estimate).toBe(0.8);
    expect(low).toBeCloseTo(0.4901624715, 9);
    expect(high).toBeCloseTo(0.9433178485, 9);
  });

  it('2/12 at 90%', () => {
    const { low, high } = wilsonInterval(2, 12, 0.9);
    expect(low).toBeCloseTo(0.05678055275, 9);
    expect(high).toBeCloseTo(0.3992069104, 9);
  });

  it('0/n and n/n give exact 0 and 1 on the closed side', () => {
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.2775327999, 9) as number, estimate: 0 });
    const all = wilsonInterval(10, 10);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.7224672001, 9);
    expect(wilsonInterval(1, 1).low).toBeCloseTo(0.2065493144, 9);
  });

  it('n = 0 is uninformative', () => {
    const interval = wilsonInterval(0, 0);
    expect(interval.low).toBe(0);
    expect(interval.high).toBe(1);
    expect(interval.estimate).toBeNaN();
  });

  it('always contains the estimate and stays in [0, 1]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const successes = Math.round(share * n);
        const { low, high, estimate } = wilsonInterval(successes, n, 0.99);
        return low >= 0 && high <= 1 && low <= estimate && estimate <= high;
      }),
    );
  });

  it('rejects impossible counts and confidence levels', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(InputError);
    expect(() => wilsonInterval(1.5, 10)).toThrow(InputError);
    expect(() => wilsonInterval(1, 10, 95)).toThrow(/confidence/);
  });
});

// diffs = c(0.1, -0.2, 0.3, 0.4, 0, 0.2, 0.25, -0.05); reference values from mpmath (40 digits),
// equal to R 4.3 t.test(diffs): t = 1.7678, df = 7, p-value = 0.1204, CI -0.04220418 0.29220418.
const DIFFS = [0.1, -0.2, 0.3, 0.4, 0, 0.2, 0.25, -0.05];

describe('meanInterval and pairedDifference', () => {
  it('gives the t interval and paired t test', () => {
    const result = pairedDifference(DIFFS, 0.95);
    expect(result.meanDiff).toBeCloseTo(0.125, 14);
    expect(result.se).toBeCloseTo(0.0707106781187, 12);
    expect(result.low).toBeCloseTo(-0.0422041843259, 11);
    expect(result.high).toBeCloseTo(0.292204184326, 11);
    expect(result.pValue).toBeCloseTo(0.120428573346, 10);
    expect(result.n).toBe(8);
    expect(result.df).toBe(7);
  });

  it('honours the confidence level', () => {
    const interval = meanInterval(DIFFS, 0.9);
    expect(interval.mean).toBeCloseTo(0.125, 14);
    expect(interval.low).toBeCloseTo(-0.00896693791501, 11);
    expect(interval.high).toBeCloseTo(0.258966937915, 11);
    expect(interval.df).toBe(7);
  });

  it('gives NaN bounds with fewer than two values', () => {
    const one = pairedDifference([0.3]);
    expect(one.meanDiff).toBe(0.3);
    expect(one.se).toBeNaN();
    expect(one.low).toBeNaN();
    expect(one.pValue).toBeNaN();
    expect(meanInterval([]).mean).toBeNaN();
  });

  it('treats constant differences as certain', () => {
    expect(pairedDifference([0.5, 0.5, 0.5]).pValue).toBe(0);
    expect(pairedDifference([0, 0, 0]).pValue).toBe(1);
  });
});

describe('clusteredPairedDifference', () => {
  it('matches a CR1 computation by hand', () => {
    // mpmath: mean 26/7, V = G/(G−1)·Σ_g(Σ residuals)²/N² with clusters {1,2}, {3,10,11}, {0,−1}, t on G − 1 = 2 df.
    const result = clusteredPairedDifference([1, 2, 3, 10, 11, 0, -1], ['a', 'a', 'b', 'b', 'b', 'c', 'c']);
    expect(result.meanDiff).toBeCloseTo(3.71428571429, 10);
    expect(result.se).toBeCloseTo(2.7991936722, 9);
    expect(result.low).toBeCloseTo(-8.32967258051, 8);
    expect(result.high).toBeCloseTo(15.7582440091, 8);
    expect(result.pValue).toBeCloseTo(0.315760461839, 9);
    expect(result.df).toBe(2);
    expect(result.n).toBe(7);
  });

  it('equals the ordinary paired result when every cluster has one case', () => {
    // With G = N the CR1 factor G/(G−1) = N/(N−1) turns Σe²/N² into exactly s²/N.
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 2, maxLength: 60 }), (diffs) => {
        const ids = diffs.map((_, i) => `case-${i}`);
        const clustered = clusteredPairedDifference(diffs, ids);
        const ordinary = pairedDifference(diffs);
        const scale = Math.max(1e-12, standardError(diffs));
        return Math.abs(clustered.se - ordinary.se) <= 1e-9 * scale && clustered.df === ordinary.df;
      }),
    );
  });

  it('widens the interval when clusters carry duplicated evidence', () => {
    const base = [0.2, -0.1, 0.4, 0.0, 0.3, 0.1];
    const repeated = base.flatMap((d) => [d, d, d, d]);
    const ids = base.flatMap((_, i) => [i, i, i, i]);
    const naive = pairedDifference(repeated);
    const clustered = clusteredPairedDifference(repeated, ids);
    expect(clustered.meanDiff).toBeCloseTo(naive.meanDiff, 14);
    expect(clustered.se).toBeGreaterThan(1.5 * naive.se);
    expect(clustered.df).toBe(5);
  });

  it('needs one cluster id per diff and at least two clusters for an interval', () => {
    expect(() => clusteredPairedDifference([1, 2], ['a'])).toThrow(InputError);
    expect(clusteredPairedDifference([1, 2], ['a', 'a']).se).toBeNaN();
  });
});
