import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/stats/random.js';
import { sampleSubsetMeans } from '../../src/stats/randomization.js';
import type { UnitGroup } from '../../src/stats/units.js';

/**
 * The sampler takes shortcuts that must not change a single bit of its output (reports and
 * verdicts are byte-identical from run to run and version to version). The reference below is the
 * plain computation: every flipped unit's sum and size added one by one, in unit order, from the
 * same random bits.
 */
function referenceSubsetMeans(groups: UnitGroup[], resamples: number, seed: number): { means: Float64Array; emptyMass: number } {
  const rng = createRng(seed);
  let buffer = 0;
  let left = 0;
  const word = (width: number): number => {
    if (width === 32) return rng.nextUint32() | 0;
    if (left < width) {
      buffer = rng.nextUint32();
      left = 32;
    }
    const out = buffer & ((1 << width) - 1);
    buffer = buffer >>> width;
    left -= width;
    return out;
  };
  const ones = (x: number): number => {
    let count = 0;
    for (let v = x >>> 0; v !== 0; v >>>= 1) count += v & 1;
    return count;
  };
  const countOnes = (n: number): number => {
    let count = 0;
    let need = n;
    for (; need >= 32; need -= 32) count += ones(rng.nextUint32());
    return need > 0 ? count + ones(word(need)) : count;
  };
  const singles = groups.filter((g) => g.count === 1);
  const multiples = groups.filter((g) => g.count > 1);
  const means: number[] = [];
  let empty = 0;
  for (let b = 0; b < resamples; b++) {
    let total = 0;
    let size = 0;
    for (let base = 0; base < singles.length; base += 32) {
      const width = Math.min(32, singles.length - base);
      const w = word(width);
      for (let bit = 0; bit < width; bit++) {
        if ((w >>> bit) & 1) {
          total += singles[base + bit]!.sum;
          size += singles[base + bit]!.size;
        }
      }
    }
    for (const g of multiples) {
      const k = countOnes(g.count);
      if (k === 0) continue;
      total += k * g.sum;
      size += k * g.size;
    }
    if (size === 0) empty++;
    else means.push(total / size);
  }
  return { means: Float64Array.from(means).sort(), emptyMass: (1 + empty) / (resamples + 1) };
}

/** The exact bits of each value (so −0 and 0, or two NaNs, are told apart). */
const bitsOf = (values: Float64Array): bigint[] => [...new BigUint64Array(Float64Array.from(values).buffer)];

const sum = fc.oneof(fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(0, -0, 1, -1, 1 / 3, -2 / 3));
const group = (sizes: fc.Arbitrary<number>) => fc.record({ sum, size: sizes, count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 70 })) });

describe('sampleSubsetMeans', () => {
  it('equals the plain one-by-one computation bit for bit, lone units of one case each', () => {
    fc.assert(
      fc.property(fc.array(group(fc.constant(1)), { maxLength: 120 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (groups, resamples, seed) => {
        const fast = sampleSubsetMeans(groups, resamples, seed);
        const reference = referenceSubsetMeans(groups, resamples, seed);
        expect(bitsOf(fast.means)).toEqual(bitsOf(reference.means));
        expect(fast.emptyMass).toBe(reference.emptyMass);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the plain computation bit for bit when units are clusters of several cases', () => {
    fc.assert(
      fc.property(fc.array(group(fc.integer({ min: 1, max: 6 })), { maxLength: 120 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 }), (groups, resamples, seed) => {
        const fast = sampleSubsetMeans(groups, resamples, seed);
        const reference = referenceSubsetMeans(groups, resamples, seed);
        expect(bitsOf(fast.means)).toEqual(bitsOf(reference.means));
        expect(fast.emptyMass).toBe(reference.emptyMass);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the plain computation bit for bit when some sums are not finite', () => {
    const anySum = fc.oneof(sum, fc.constantFrom(Infinity, -Infinity, NaN));
    fc.assert(
      fc.property(fc.array(fc.record({ sum: anySum, size: fc.constant(1), count: fc.constant(1) }), { maxLength: 70 }), fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 }), (groups, resamples, seed) => {
        const fast = sampleSubsetMeans(groups, resamples, seed);
        const reference = referenceSubsetMeans(groups, resamples, seed);
        expect(bitsOf(fast.means)).toEqual(bitsOf(reference.means));
        expect(fast.emptyMass).toBe(reference.emptyMass);
      }),
      { numRuns: 200 },
    );
  });

  it('equals it on the size of a real comparison: 20,000 lone cases, 1,999 draws', () => {
    const rng = createRng('sampler-size');
    const groups = Array.from({ length: 20_000 }, (_, i) => ({ sum: (rng.next() - 0.5) * 2 + i * 1e-9, size: 1, count: 1 }));
    const fast = sampleSubsetMeans(groups, 1999, 1);
    const reference = referenceSubsetMeans(groups, 1999, 1);
    expect(bitsOf(fast.means)).toEqual(bitsOf(reference.means));
  });
});
