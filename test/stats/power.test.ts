import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mdeForProportions, minimumDetectableEffect, normalQuantile, requiredSampleSize } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

describe('minimumDetectableEffect / requiredSampleSize (paired means)', () => {
  it('uses (t_{1−α/2,n−1} + t_{power,n−1})·sd/√n', () => {
    // qt(0.975, 99) = 1.98421695, qt(0.8, 99) = 0.84526703 (mpmath) → 0.28294840 for sd = 1, n = 100.
    expect(minimumDetectableEffect({ sd: 1, n: 100 })).toBeCloseTo(0.282948398354, 10);
    expect(minimumDetectableEffect({ sd: 2, n: 100 })).toBeCloseTo(2 * 0.282948398354, 10);
    expect(minimumDetectableEffect({ sd: 0, n: 5 })).toBe(0);
  });

  it('agrees with the exact noncentral-t answer for a standard case', () => {
    // Exact power of the two-sided paired t test with δ/σ = 0.5 reaches 0.8 at n = 33.367
    // (noncentral t integrated in mpmath; R 4.3 power.t.test(delta = 0.5, type = "paired") gives 33.37),
    // so 34 cases are needed.
    expect(requiredSampleSize({ sd: 1, effect: 0.5 })).toBe(34);
  });

  it('is the inverse of minimumDetectableEffect', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3000 }), fc.double({ min: 0.01, max: 5, noNaN: true }), (n, sd) => {
        const effect = minimumDetectableEffect({ sd, n });
        const needed = requiredSampleSize({ sd, effect: effect * (1 + 1e-12) });
        return needed === n || (n === 2 && needed === 2);
      }),
      { numRuns: 60 },
    );
  });

  it('rejects unusable input', () => {
    expect(() => minimumDetectableEffect({ sd: 1, n: 1 })).toThrow(InputError);
    expect(() => requiredSampleSize({ sd: 1, effect: 0 })).toThrow(/effect/);
    expect(() => minimumDetectableEffect({ sd: 1, n: 10, power: 1 })).toThrow(/power/);
  });
});

describe('mdeForProportions (paired pass rates)', () => {
  it('matches the inverted Connor (1987) formula', () => {
    // mpmath: δ = (A√n + B√((n + B²)ψ − A²))/(n + B²), A = z_{.975}√ψ, B = z_{.8}
    expect(mdeForProportions({ discordantRate: 0.2, n: 100 })).toBeCloseTo(0.123819331484, 10);
    expect(mdeForProportions({ discordantRate: 0.42, n: 50 })).toBeCloseTo(0.250761247016, 10);
    expect(mdeForProportions({ discordantRate: 0.05, n: 1000 })).toBeCloseTo(0.0197868533077, 10);
  });

  it('plugs back into Connor’s sample-size formula', () => {
    const za = normalQuantile(0.995);
    const zb = normalQuantile(0.9);
    for (const [psi, n] of [[0.1, 400], [0.3, 80], [0.6, 25]] as const) {
      const delta = mdeForProportions({ discordantRate: psi, n, alpha: 0.01, power: 0.9 });
      const nBack = (za * Math.sqrt(psi) + zb * Math.sqrt(psi - delta * delta)) ** 2 / delta ** 2;
      expect(nBack).toBeCloseTo(n, 8);
    }
  });

  it('derives ψ = 2p(1 − p) from a pass rate', () => {
    expect(mdeForProportions({ p: 0.7, n: 50 })).toBeCloseTo(0.250761247016, 10);
    expect(mdeForProportions({ p: 0.7, discordantRate: 0.2, n: 100 })).toBeCloseTo(0.123819331484, 10);
  });

  it('says Infinity when nothing is detectable and rejects missing input', () => {
    expect(mdeForProportions({ discordantRate: 0.01, n: 10 })).toBe(Infinity);
    expect(mdeForProportions({ discordantRate: 0, n: 10 })).toBe(0);
    expect(() => mdeForProportions({ n: 10 })).toThrow(InputError);
    expect(() => mdeForProportions({ p: 1.5, n: 10 })).toThrow(/p: must be between 0 and 1/);
  });
});
