import { describe, expect, it } from 'vitest';
import { deriveSeed, hashString } from '../../src/chaos/random.js';

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
