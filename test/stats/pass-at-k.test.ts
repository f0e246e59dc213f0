import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { passAtK, passHatK } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

function choose(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

describe('passAtK', () => {
  it('matches 1 − C(n − c, k)/C(n, k)', () => {
    expect(passAtK(3, 10, 1)).toBeCloseTo(0.3, 14);
    // 1 − C(7, 5)/C(10, 5) = 1 − 21/252
    expect(passAtK(3, 10, 5)).toBeCloseTo(1 - 21 / 252, 14);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), (n, cSeed, kSeed) => {
        const c = cSeed % (n + 1);
        const k = 1 + (kSeed % n);
        const expected = n - c < k ? 1 : 1 - choose(n - c, k) / choose(n, k);
        return Math.abs(passAtK(c, n, k) - expected) < 1e-10;
      }),
    );
  });

  it('handles the edges and stays finite for large n', () => {
    expect(passAtK(0, 10, 3)).toBe(0);
    expect(passAtK(8, 10, 3)).toBe(1); // only 2 failures, so any 3 attempts include a pass
    const big = passAtK(5, 10_000, 100);
    expect(big).toBeGreaterThan(0);
    expect(big).toBeLessThan(1);
  });
});

describe('passHatK', () => {
  it('matches C(c, k)/C(n, k)', () => {
    expect(passHatK(3, 10, 2)).toBeCloseTo(3 / 45, 14);
    expect(passHatK(10, 10, 4)).toBe(1);
    expect(passHatK(2, 10, 3)).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.nat(), fc.nat(), (n, cSeed, kSeed) => {
        const c = cSeed % (n + 1);
        const k = 1 + (kSeed % n);
        const expected = c < k ? 0 : choose(c, k) / choose(n, k);
        return Math.abs(passHatK(c, n, k) - expected) < 1e-10;
      }),
    );
  });

  it('rejects impossible counts', () => {
    expect(() => passAtK(11, 10, 1)).toThrow(InputError);
    expect(() => passHatK(3, 10, 11)).toThrow(/repeats/);
    expect(() => passAtK(3, 10, 0)).toThrow(InputError);
  });
});
