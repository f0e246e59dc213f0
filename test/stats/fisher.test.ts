import { describe, expect, it } from 'vitest';
import { fisherExactGreater } from '../../src/stats/hypothesis.js';

describe('fisherExactGreater', () => {
  it('gives the hypergeometric upper tail: the tea-tasting table (3 of 4 against 1 of 4) is 17/70', () => {
    expect(fisherExactGreater(3, 4, 1, 4)).toBeCloseTo(17 / 70, 12);
    // All four right against none: 1/70.
    expect(fisherExactGreater(4, 4, 0, 4)).toBeCloseTo(1 / 70, 12);
  });

  it('is 1 with no hits in the first group, large for equal rates, tiny for a large rise', () => {
    expect(fisherExactGreater(0, 400, 5, 400)).toBe(1);
    expect(fisherExactGreater(1, 400, 1, 400)).toBeGreaterThan(0.5);
    expect(fisherExactGreater(30, 400, 1, 400)).toBeLessThan(1e-6);
  });

  it('stays finite and ordered for large samples', () => {
    const p = fisherExactGreater(130, 100_000, 100, 100_000);
    expect(p).toBeGreaterThan(0.01);
    expect(p).toBeLessThan(0.05);
    expect(fisherExactGreater(200, 100_000, 100, 100_000)).toBeLessThan(p);
  });

  it('refuses counts that are not counts', () => {
    expect(() => fisherExactGreater(5, 4, 0, 4)).toThrow(RangeError);
    expect(() => fisherExactGreater(-1, 4, 0, 4)).toThrow();
    expect(() => fisherExactGreater(1.5, 4, 0, 4)).toThrow();
  });
});
