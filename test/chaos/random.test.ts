import { describe, expect, it } from 'vitest';
import { deriveSeed, hashString, Rng } from '../../src/chaos/random.js';

describe('Rng', () => {
  it('repeats the same sequence for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('keeps int, between, pick and hex in range', () => {
    const rng = new Rng(7);
    for (let i = 0; i < 2_000; i++) {
      const n = rng.int(10);
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(10);
      const b = rng.between(3, 5);
      expect([3, 4, 5]).toContain(b);
      expect(['a', 'b']).toContain(rng.pick(['a', 'b']));
    }
    expect(rng.hex(6)).toMatch(/^[0-9a-f]{6}$/);
    expect(rng.int(0)).toBe(0);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('covers every bucket roughly uniformly', () => {
    const rng = new Rng(1);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) counts[rng.int(10)]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(850);
  });

  it('shuffles into a permutation', () => {
    const shuffled = new Rng(3).shuffled([1, 2, 3, 4, 5, 6]);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('deriveSeed', () => {
  it('depends on every part and on part boundaries', () => {
    const base = deriveSeed(1, 'case-1', 'zero-width', 0);
    expect(deriveSeed(1, 'case-1', 'zero-width', 0)).toBe(base);
    expect(deriveSeed(2, 'case-1', 'zero-width', 0)).not.toBe(base);
    expect(deriveSeed(1, 'case-2', 'zero-width', 0)).not.toBe(base);
    expect(deriveSeed(1, 'case-1', 'homoglyphs', 0)).not.toBe(base);
    expect(deriveSeed(1, 'case-1', 'zero-width', 1)).not.toBe(base);
    expect(deriveSeed(1, 'ab', 'c')).not.toBe(deriveSeed(1, 'a', 'bc'));
  });

  it('hashes strings to unsigned 32-bit integers', () => {
    const h = hashString('hello');
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    expect(hashString('hello')).toBe(h);
    expect(hashString('hellp')).not.toBe(h);
  });
});
