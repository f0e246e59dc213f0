import { describe, expect, it } from 'vitest';
import { mcnemarExact } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

describe('mcnemarExact', () => {
  // Exact binomial sums Σ C(n, i)/2^n computed with Python integers (mpmath for the long ones);
  // R 4.3: binom.test(2, 12)$p.value = 0.03857.
  const cases: Array<[b: number, c: number, pExact: number, pMid: number]> = [
    [2, 10, 0.03857421875, 0.0224609375], // 2·79/4096, 2·(79 − 33)/4096
    [10, 2, 0.03857421875, 0.0224609375],
    [0, 5, 0.0625, 0.03125],
    [10, 3, 0.09228515625, 0.057373046875],
    [40, 70, 0.00544742951144, 0.00419553418539],
    [480, 520, 0.217448293204, 0.206107310833],
    [3000, 3200, 0.0114882537709, 0.0110857594586],
  ];
  it.each(cases)('b = %s, c = %s', (b, c, pExact, pMid) => {
    const result = mcnemarExact(b, c);
    expect(result.pExact).toBeCloseTo(pExact, 10);
    expect(result.pMid).toBeCloseTo(pMid, 10);
    expect(Math.abs(result.pExact - pExact) / pExact).toBeLessThan(1e-9);
    expect(result).toMatchObject({ b, c, n: b + c });
  });

  it('gives p = 1 with no discordant pairs or a perfectly even split', () => {
    expect(mcnemarExact(0, 0)).toEqual({ pExact: 1, pMid: 1, b: 0, c: 0, n: 0 });
    expect(mcnemarExact(5, 5).pExact).toBe(1);
    expect(mcnemarExact(5, 5).pMid).toBeCloseTo(1, 14);
    expect(mcnemarExact(1, 0)).toMatchObject({ pExact: 1, pMid: 0.5 });
  });

  it('mid-p is never above the exact p', () => {
    for (let b = 0; b < 25; b++) {
      for (let c = 0; c < 25; c++) {
        const { pExact, pMid } = mcnemarExact(b, c);
        expect(pMid).toBeLessThanOrEqual(pExact + 1e-15);
        expect(pExact).toBeLessThanOrEqual(1);
      }
    }
  });

  it('rejects non-count input', () => {
    expect(() => mcnemarExact(-1, 3)).toThrow(InputError);
    expect(() => mcnemarExact(1.5, 3)).toThrow(InputError);
  });
});
