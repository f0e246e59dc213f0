import { describe, expect, it } from 'vitest';
import { mean, median, percentiles, quantile, standardDeviation, standardError, sum, variance } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

describe('descriptive statistics', () => {
  it('computes mean, sample variance, sd and standard error', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    // Σ(x − 5)² = 32, so the n − 1 variance is 32/7.
    expect(variance(xs)).toBeCloseTo(32 / 7, 14);
    expect(standardDeviation(xs)).toBeCloseTo(Math.sqrt(32 / 7), 14);
    expect(standardError(xs)).toBeCloseTo(Math.sqrt(32 / 7 / 8), 14);
  });

  it('keeps precision where the naive Σx² − n·x̄² formula cancels', () => {
    // Classic example (Welford 1962 / Knuth): the offset must not change the variance of 4, 7, 13, 16 (= 30).
    const xs = [4, 7, 13, 16].map((x) => x + 1e9);
    expect(variance(xs)).toBe(30);
    expect(mean(xs)).toBe(1e9 + 10);
  });

  it('uses a compensated sum', () => {
    const xs = [1, 1e100, 1, -1e100];
    expect(sum(xs)).toBe(2);
    expect(sum(new Array(10).fill(0.1))).toBe(1);
  });

  it('returns NaN for too little data instead of throwing', () => {
    expect(mean([])).toBeNaN();
    expect(variance([3])).toBeNaN();
    expect(standardError([3])).toBeNaN();
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('computes type-7 quantiles like R', () => {
    const oneToTen = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // R 4.3: quantile(1:10, c(0, 0.25, 0.5, 0.95, 1)) = 1, 3.25, 5.5, 9.55, 10
    expect(quantile(oneToTen, 0)).toBe(1);
    expect(quantile(oneToTen, 0.25)).toBeCloseTo(3.25, 12);
    expect(quantile(oneToTen, 0.5)).toBeCloseTo(5.5, 12);
    expect(quantile(oneToTen, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile(oneToTen, 1)).toBe(10);
    expect(quantile([7], 0.3)).toBe(7);
    expect(() => quantile(oneToTen, 1.5)).toThrow(InputError);
  });

  it('computes named percentiles on a sorted copy without touching the input', () => {
    const xs = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    const before = [...xs];
    const result = percentiles(xs, [50, 95]);
    expect(result).toEqual({ p50: 5.5, p95: expect.closeTo(9.55, 12) as number });
    expect(result.p95).toBeCloseTo(9.55, 12);
    expect(xs).toEqual(before);
    expect(median([3, 1, 2])).toBe(2);
    expect(() => percentiles(xs, [101])).toThrow(InputError);
  });

  it('accepts typed arrays', () => {
    expect(mean(Float64Array.from([1, 2, 3]))).toBe(2);
    expect(percentiles(Float64Array.from([3, 1, 2]), [0, 100])).toEqual({ p0: 1, p100: 3 });
  });
});
