import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

function draw(seed: number | string, count: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe('createRng', () => {
  it('is reproducible for the same seed and differs between seeds', () => {
    expect(draw(42, 20)).toEqual(draw(42, 20));
    expect(draw('suite-a', 20)).toEqual(draw('suite-a', 20));
    expect(draw(1, 20)).not.toEqual(draw(2, 20));
    expect(draw('a', 20)).not.toEqual(draw('b', 20));
    expect(draw(2 ** 40, 5)).not.toEqual(draw(0, 5));
  });

  it('produces floats in [0, 1) and integers in [0, n)', () => {
    const rng = createRng(7);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.next();
      expect(u >= 0 && u < 1).toBe(true);
      const k = rng.int(13);
      expect(Number.isInteger(k) && k >= 0 && k < 13).toBe(true);
    }
  });

  it('spreads int(n) evenly (chi-square well below the 0.1% critical value)', () => {
    const rng = createRng(2024);
    const buckets = 10;
    const draws = 100_000;
    const counts = new Array<number>(buckets).fill(0);
    for (let i = 0; i < draws; i++) {
      const k = rng.int(buckets);
      counts[k] = (counts[k] as number) + 1;
    }
    const expected = draws / buckets;
    const chiSquare = counts.reduce((acc, c) => acc + (c - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(27.88); // qchisq(0.999, 9) = 27.877
  });

  it('rejects unusable seeds and ranges', () => {
    expect(() => createRng(1.5)).toThrow(InputError);
    expect(() => createRng(Number.NaN)).toThrow(InputError);
    expect(() => createRng(1).int(0)).toThrow(InputError);
  });
});
