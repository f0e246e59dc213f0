import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { wilsonInterval } from '../../src/stats/index.js';
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
