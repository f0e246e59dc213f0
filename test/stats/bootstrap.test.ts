import { describe, expect, it } from 'vitest';
import { createRng, meanInterval, pairedBootstrap } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

function syntheticDiffs(count: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.next() - 0.45);
}

describe('pairedBootstrap', () => {
  const diffs = syntheticDiffs(400, 3);

  it('is deterministic for a seed and changes with the seed', () => {
    const a = pairedBootstrap(diffs, { seed: 11 });
    const b = pairedBootstrap(diffs, { seed: 11 });
    const c = pairedBootstrap(diffs, { seed: 12 });
    expect(a).toEqual(b);
    expect(c.low).not.toBe(a.low);
    expect(pairedBootstrap(diffs)).toEqual(pairedBootstrap(diffs, { seed: 1 }));
  });

  it('brackets the observed mean and agrees with the t interval for smooth data', () => {
    const result = pairedBootstrap(diffs, { seed: 5, resamples: 4000 });
    const t = meanInterval(diffs);
    expect(result.mean).toBeCloseTo(t.mean, 14);
    expect(result.low).toBeLessThan(result.mean);
    expect(result.high).toBeGreaterThan(result.mean);
    // Percentile bootstrap ≈ t interval at n = 400: each bound within 10% of the half-width.
    const halfWidth = t.high - t.mean;
    expect(Math.abs(result.low - t.low)).toBeLessThan(0.1 * halfWidth);
    expect(Math.abs(result.high - t.high)).toBeLessThan(0.1 * halfWidth);
  });

  it('gets narrower as the confidence level drops', () => {
    const wide = pairedBootstrap(diffs, { seed: 9, confidence: 0.99 });
    const narrow = pairedBootstrap(diffs, { seed: 9, confidence: 0.8 });
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
  });

  it('resamples whole clusters when cluster ids are given', () => {
    const base = syntheticDiffs(30, 8);
    const repeated = base.flatMap((d) => [d, d, d, d, d]);
    const ids = base.flatMap((_, i) => Array.from({ length: 5 }, () => `case-${i}`));
    const naive = pairedBootstrap(repeated, { seed: 4 });
    const clustered = pairedBootstrap(repeated, { seed: 4, clusters: ids });
    const ofBase = pairedBootstrap(base, { seed: 4 });
    // Five identical copies add no information: the cluster interval matches the 30-case one.
    expect(clustered.high - clustered.low).toBeGreaterThan(1.8 * (naive.high - naive.low));
    expect(clustered.high - clustered.low).toBeCloseTo(ofBase.high - ofBase.low, 1);
    expect(pairedBootstrap(repeated, { seed: 4, clusterIds: ids })).toEqual(clustered);
  });

  it('handles degenerate input', () => {
    expect(pairedBootstrap([0.25, 0.25, 0.25], { seed: 1 })).toEqual({ low: 0.25, high: 0.25, mean: 0.25 });
    const empty = pairedBootstrap([], { seed: 1 });
    expect(empty.mean).toBeNaN();
    expect(empty.low).toBeNaN();
    expect(() => pairedBootstrap([1, 2], { clusters: ['a'] })).toThrow(InputError);
    expect(() => pairedBootstrap([1, 2], { resamples: 0 })).toThrow(/resamples/);
  });

});
