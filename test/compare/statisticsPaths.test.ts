/**
 * The comparison's faster computations give the same numbers, to the last bit, as the plain
 * computations they replaced (kept here as the reference).
 */
import { describe, expect, it } from 'vitest';
import { sideCurves } from '../../src/compare/statistics.js';
import type { CaseSide } from '../../src/compare/types.js';
import { passAtK, passHatK } from '../../src/stats/index.js';

/** A small deterministic generator, so the cases vary but every run sees the same ones. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function caseSide(passes: number, repeats: number, scored?: number): CaseSide {
  const n = scored ?? repeats;
  return {
    repeats,
    ...(scored === undefined ? {} : { scored }),
    passes,
    passFraction: passes / n,
    meanScore: passes / n,
    scorerMeans: {},
    errors: [],
    promptHash: 'h',
    costUsd: 0,
    meanLatencyMs: null,
    tokens: { input: 0, output: 0 },
  };
}

describe('sideCurves', () => {
  it('averages pass@k and pass^k over the cases exactly as a sum in case order does', () => {
    const random = generator(7);
    const sides: CaseSide[] = [];
    for (let i = 0; i < 3000; i++) {
      const repeats = 5 + Math.floor(random() * 4);
      const scored = random() < 0.2 ? repeats - 1 : undefined;
      sides.push(caseSide(Math.floor(random() * ((scored ?? repeats) + 1)), repeats, scored));
    }
    const maxK = 4;
    const curves = sideCurves(sides, maxK);
    for (let k = 1; k <= maxK; k++) {
      const average = (estimator: typeof passAtK) => sides.reduce((total, s) => total + estimator(s.passes, s.scored ?? s.repeats, k), 0) / sides.length;
      expect(Object.is(curves.passAtK[k - 1], average(passAtK))).toBe(true);
      expect(Object.is(curves.passHatK[k - 1], average(passHatK))).toBe(true);
    }
    expect(curves.passAtK).toHaveLength(maxK);
  });

  it('still rejects a case with more passes than scored repeats', () => {
    expect(() => sideCurves([caseSide(1, 2), caseSide(3, 2)], 1)).toThrow(/exceeds/);
  });
});
