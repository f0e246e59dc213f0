import { describe, expect, it } from 'vitest';
import { logGamma, normalCdf, normalQuantile, tCdf, tQuantile } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

/** |actual − expected| ≤ tolerance · |expected| */
function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('Student t quantile', () => {
  // Reference values: R 4.3 qt(p, df) as printed in standard t tables; extra digits from
  // mpmath 1.3 (40-digit root of the regularized incomplete beta), which agree with R to the
  // digits R prints (e.g. qt(0.975, 9) = 2.262157).
  const cases: Array<[p: number, df: number, expected: number]> = [
    [0.975, 1, 12.7062047362],
    [0.975, 2, 4.30265272975],
    [0.975, 3, 3.18244630528],
    [0.975, 5, 2.57058183564],
    [0.975, 9, 2.2621571628],
    [0.975, 10, 2.22813885199],
    [0.975, 30, 2.0422724563],
    [0.975, 100, 1.98397151852],
    [0.975, 1000, 1.96233908083],
    [0.995, 3, 5.84090930973],
    [0.95, 20, 1.72471824292],
    [0.9, 4, 1.53320627406],
    [0.001, 7, -4.78528962864],
    [0.8, 99, 0.845267031953],
    [1e-8, 3, -479.52506958],
  ];
  it.each(cases)('qt(%s, %s)', (p, df, expected) => {
    expectRelative(tQuantile(p, df), expected, 1e-9);
  });

  it('is symmetric, zero at ½, infinite at the ends, and the inverse of tCdf', () => {
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(tQuantile(0.025, 12)).toBeCloseTo(-tQuantile(0.975, 12), 12);
    expect(tQuantile(0, 4)).toBe(-Infinity);
    expect(tQuantile(1, 4)).toBe(Infinity);
    for (const df of [1, 2, 3, 4.5, 17, 250, 1000]) {
      for (const p of [1e-6, 0.01, 0.2, 0.7, 0.99]) {
        expectRelative(tCdf(tQuantile(p, df), df), p, 1e-9);
      }
    }
  });

  it('tends to the normal quantile as df grows', () => {
    expect(tQuantile(0.975, Infinity)).toBeCloseTo(1.959963984540054, 12);
    expect(Math.abs(tQuantile(0.975, 1e6) - 1.959963984540054)).toBeLessThan(1e-5);
  });

  it('rejects bad arguments', () => {
    expect(() => tQuantile(1.2, 3)).toThrow(InputError);
    expect(() => tQuantile(0.5, 0)).toThrow(InputError);
  });
});

describe('Student t CDF', () => {
  // mpmath 1.3 (40 digits); R 4.3: pt(2, 5) = 0.9490303, pt(-3, 10) = 0.006671828.
  const cases: Array<[x: number, df: number, expected: number]> = [
    [2, 5, 0.949030260585],
    [-3, 10, 0.00667182751128],
    [1.5, 1, 0.812832958189],
    [-40, 3, 1.71903403946e-5],
    [0.3, 1000, 0.617880247916],
  ];
  it.each(cases)('pt(%s, %s)', (x, df, expected) => {
    expectRelative(tCdf(x, df), expected, 1e-10);
  });

  it('is ½ at 0 and matches the Cauchy closed form for df = 1', () => {
    expect(tCdf(0, 3)).toBe(0.5);
    for (const x of [-5, -0.5, 0.25, 3]) expect(tCdf(x, 1)).toBeCloseTo(0.5 + Math.atan(x) / Math.PI, 13);
  });
});

describe('normal distribution', () => {
  it('matches reference CDF values', () => {
    // mpmath ncdf; R 4.3: pnorm(1.96) = 0.9750021, pnorm(-5) = 2.866516e-07
    expectRelative(normalCdf(1.96), 0.975002104852, 1e-11);
    expectRelative(normalCdf(-5), 2.86651571879e-7, 1e-10);
    expectRelative(normalCdf(-1), 0.158655253931, 1e-11);
    expectRelative(normalCdf(3), 0.998650101968, 1e-11);
    expectRelative(normalCdf(-37.5), 4.60535300958e-308, 1e-8);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('matches reference quantiles (AS 241)', () => {
    // mpmath √2·erfinv(2p − 1); R 4.3: qnorm(0.975) = 1.959964, qnorm(1e-10) = -6.361341
    expectRelative(normalQuantile(0.975), 1.95996398454, 1e-11);
    expectRelative(normalQuantile(1e-10), -6.3613409024, 1e-10);
    expectRelative(normalQuantile(0.3), -0.524400512708, 1e-11);
    expectRelative(normalQuantile(1 - 1e-12), 7.03448691005, 1e-4); // 1 − 1e-12 itself is rounded
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(() => normalQuantile(-0.1)).toThrow(InputError);
  });

  it('CDF and quantile are inverse to each other', () => {
    for (const p of [1e-15, 1e-4, 0.05, 0.4, 0.9, 0.999]) expectRelative(normalCdf(normalQuantile(p)), p, 1e-12);
  });
});

describe('logGamma', () => {
  it('matches mpmath loggamma', () => {
    const cases: Array<[number, number]> = [
      [0.1, 2.252712651734206],
      [0.5, 0.5723649429247001],
      [3, 0.6931471805599453],
      [10.5, 13.94062521940376],
      [171.2, 707.6009268476701],
      [1e5, 1051287.708973657],
    ];
    for (const [x, expected] of cases) expectRelative(logGamma(x), expected, 1e-14);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
  });
});
