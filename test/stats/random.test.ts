import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';
import { Rng as ChaosRng } from '../../src/chaos/random.js';

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
    expect(() => createRng(1).int(2.5)).toThrow(InputError);
    expect(() => createRng(1).int(2 ** 33)).toThrow(InputError);
    expect(createRng(1).int(0)).toBe(0);
  });

  it('draws int(n) without bias, even for n near 2^32 where plain scaling would favour some values', () => {
    // n = 3 · 2^30: floor(u · n / 2^32) = floor(3u / 4) alone hits multiples of 3 twice as often as
    // other values (half the draws); with the rejection step each residue mod 3 gets a third.
    const rng = createRng(99);
    const n = 3 * 2 ** 30;
    const residues = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) residues[rng.int(n) % 3]! += 1;
    for (const count of residues) expect(count).toBeGreaterThan(9_300);
    expect(createRng(5).int(2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('keeps between, pick and hex in range and shuffles into a permutation', () => {
    const rng = createRng(7);
    for (let i = 0; i < 2_000; i++) {
      expect([3, 4, 5]).toContain(rng.between(3, 5));
      expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    }
    expect(rng.hex(6)).toMatch(/^[0-9a-f]{6}$/);
    expect(() => rng.pick([])).toThrow(RangeError);
    expect([...createRng(3).shuffled([1, 2, 3, 4, 5, 6])].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is the generator chaos draws from (one PRNG in the project)', () => {
    const chaos = new ChaosRng(42);
    const stats = createRng(42);
    expect(Array.from({ length: 50 }, () => chaos.int(1000))).toEqual(Array.from({ length: 50 }, () => stats.int(1000)));
  });
});
