import { describe, expect, it } from 'vitest';
import {
  boundedScoreInterval,
  groupUnits,
  pairedInterval,
  signFlipInterval,
  smallestAttainablePValue,
  unitTotals,
  wilsonInterval,
  type UnitTotals,
} from '../../src/stats/index.js';

/**
 * Reference values were computed with scipy 1.17 by test/stats/reference/pairedInterval.py:
 * Tango's interval from its closed-form restricted MLE (Fagerland, Lydersen & Laake 2014, eq. for
 * the Tango asymptotic score interval) solved with brentq; the clustered score interval from a
 * generic constrained maximum likelihood (SLSQP over the observed units and the two bound units);
 * sign-flip values by brute force over all 2^U sign patterns, and scipy.stats.permutation_test.
 */

const units = (pairs: Array<[number, number]>): UnitTotals => ({ sums: Float64Array.from(pairs, (p) => p[0]), sizes: Float64Array.from(pairs, (p) => p[1]) });
const times = (x: number, k: number): number[] => Array.from({ length: k }, () => x);
const CLUSTERED: Array<[number, number]> = [[-2 / 3, 3], [0, 3], [1 / 3, 2], [-1, 2], [0, 1], [-1 / 3, 1], [2 / 3, 3], [-4 / 3, 4]];
const REPEATS = [...times(-1 / 3, 5), ...times(-2 / 3, 2), 1 / 3, ...times(0, 4)];

describe('units', () => {
  it('sums the cases of a cluster and groups identical units', () => {
    const u = unitTotals([1, -1, 0.5, 0, 1], ['a', 'b', 'a', 'c', 'b']);
    expect([...u.sums]).toEqual([1.5, 0, 0]);
    expect([...u.sizes]).toEqual([2, 2, 1]);
    expect(groupUnits(unitTotals([1 / 3 + 1 / 3 + 1 / 3, 1, 0.5]))).toEqual([
      { sum: 0.5, size: 1, count: 1 },
      { sum: 1, size: 1, count: 2 },
    ]);
  });
});

describe('bounded score interval', () => {
  it("is Tango's interval for paired pass/fail cases", () => {
    // 21 pairs: 7 pass → fail, 1 fail → pass, 13 ties.
    const a = boundedScoreInterval(unitTotals([...times(-1, 7), 1, ...times(0, 13)]), { alpha: 0.05 });
    expect(a.low).toBeCloseTo(-0.517232276421265, 9);
    expect(a.high).toBeCloseTo(-0.026003032480949213, 9);
    // All discordant pairs in one direction: the interval still has width.
    const b = boundedScoreInterval(unitTotals([...times(-1, 12), ...times(0, 18)]), { alpha: 0.05 });
    expect(b.low).toBeCloseTo(-0.5767963974667751, 9);
    expect(b.high).toBeCloseTo(-0.24108124955644497, 9);
  });

  it("is Wilson's interval for a rate of pass/fail cases", () => {
    for (const [k, n] of [[7, 10], [10, 10], [0, 4], [1, 2]] as const) {
      const score = boundedScoreInterval(unitTotals([...times(1, k), ...times(0, n - k)]), { alpha: 0.05, range: [0, 1] });
      const wilson = wilsonInterval(k, n);
      expect(score.low).toBeCloseTo(wilson.low, 9);
      expect(score.high).toBeCloseTo(wilson.high, 9);
    }
  });

  it('matches a generic constrained maximum likelihood with repeats and clusters', () => {
    const repeats = boundedScoreInterval(unitTotals(REPEATS), { alpha: 0.05 });
    expect(repeats.low).toBeCloseTo(-0.41082866541444324, 6);
    expect(repeats.high).toBeCloseTo(0.07415933604247434, 6);
    const clustered = boundedScoreInterval(units(CLUSTERED), { alpha: 0.05 });
    expect(clustered.low).toBeCloseTo(-0.515022212109187, 6);
    expect(clustered.high).toBeCloseTo(0.379228428859024, 6);
    // Z(0) = −0.76376…: two-sided p = 2Φ(−0.76376).
    expect(clustered.pValue).toBeCloseTo(0.4450087, 5);
  });

  it('never has zero width, and p is 1 only when every difference is zero', () => {
    const same = boundedScoreInterval(unitTotals(times(-1 / 3, 20)), { alpha: 0.05 });
    expect(same.high - same.low).toBeGreaterThan(0.1);
    expect(same.pValue).toBeGreaterThan(0);
    const zeros = boundedScoreInterval(unitTotals(times(0, 100)), { alpha: 0.05 });
    expect(zeros.pValue).toBe(1);
    expect(zeros.low).toBeLessThan(0);
    expect(zeros.high).toBeGreaterThan(0);
  });
});

describe('sign-flip interval', () => {
  it('matches brute force over every sign pattern, with clusters', () => {
    const r = signFlipInterval(units(CLUSTERED), { alpha: 0.05, resamples: 999, seed: 1 });
    expect(r.method).toBe('exact');
    expect(r.low).toBeCloseTo(-1 / 3, 12);
    expect(r.high).toBeCloseTo(0.125, 12);
    expect(r.pValue).toBeCloseTo(0.34375, 12);
  });

  it('matches scipy.stats.permutation_test (paired samples, exact)', () => {
    const r = signFlipInterval(unitTotals(REPEATS), { alpha: 0.05, resamples: 999, seed: 1 });
    expect(r.pValue).toBeCloseTo(0.0546875, 12);
    expect(r.low).toBeCloseTo(-5 / 12, 12);
    expect(r.high).toBeCloseTo(0, 12);
  });

  it('cannot be significant with two cases however they came out', () => {
    for (const data of [[-1, -1], [1, 1], [-0.5, -0.5]]) {
      const r = signFlipInterval(unitTotals(data), { alpha: 0.05, resamples: 999, seed: 1 });
      expect(r.pValue).toBeCloseTo(0.5, 12);
      expect([r.low, r.high]).toEqual([-1, 1]);
    }
    expect(smallestAttainablePValue(2)).toBe(0.5);
    expect(smallestAttainablePValue(6)).toBe(1 / 32);
  });

  it('draws seeded random patterns when there are too many, and agrees with the exact test', () => {
    const data = [...times(-1, 9), ...times(1, 3), ...times(0, 10)];
    const exact = signFlipInterval(unitTotals(data), { alpha: 0.05, resamples: 999, seed: 1 });
    const drawn = signFlipInterval(unitTotals(data), { alpha: 0.05, resamples: 19_999, seed: 7, exactLimit: 10 });
    expect(exact.method).toBe('exact');
    expect(drawn).toMatchObject({ method: 'monte_carlo', resamples: 19_999 });
    // McNemar's exact p for 9 vs 3 discordant pairs: 2·P(Bin(12, ½) ≤ 3) = 0.1459961.
    expect(exact.pValue).toBeCloseTo(0.1459961, 6);
    expect(Math.abs(drawn.pValue - exact.pValue)).toBeLessThan(0.01);
    expect(signFlipInterval(unitTotals(data), { alpha: 0.05, resamples: 999, seed: 7, exactLimit: 10 })).toEqual(
      signFlipInterval(unitTotals(data), { alpha: 0.05, resamples: 999, seed: 7, exactLimit: 10 }),
    );
  });
});

describe('paired interval', () => {
  it('spans both tests and takes the larger p-value', () => {
    const r = pairedInterval(unitTotals(times(-1, 10)), { alpha: 0.05, resamples: 999, seed: 1 });
    // The sign flips alone would say [−1, −1]; the score test keeps room for disagreeing cases.
    expect([r.randomization.low, r.randomization.high]).toEqual([-1, -1]);
    expect(r.low).toBe(-1);
    expect(r.high).toBeCloseTo(r.score!.high, 12);
    expect(r.high).toBeGreaterThan(-0.5);
    expect(r.pValue).toBe(Math.max(r.randomization.pValue, r.score!.pValue));
    expect(r.units).toBe(10);
  });

  it('can be the sign-flip interval alone (continuous differences)', () => {
    const r = pairedInterval(unitTotals(REPEATS), { alpha: 0.05, resamples: 999, seed: 1, scoreTest: false });
    expect(r.score).toBeNull();
    expect([r.low, r.high, r.pValue]).toEqual([r.randomization.low, r.randomization.high, r.randomization.pValue]);
  });
});
