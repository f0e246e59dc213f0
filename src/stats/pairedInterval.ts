import { boundedScoreInterval, type BoundedScoreResult } from './boundedScore.js';
import { signFlipInterval, type SignFlipResult } from './randomization.js';
import type { Seed } from './random.js';
import { groupUnits, unitCount, type UnitTotals } from './units.js';

/**
 * The one interval a comparison decides on: for the mean over cases of a bounded paired difference,
 * every δ that the paired randomization (sign-flip) test or the bounded score test does not reject
 * at level alpha (each two-sided, so each bound is a one-sided α/2 test). The reported interval
 * spans both:
 *
 * - the randomization test is exact under "no change" at any number of units (cases, or clusters
 *   of a golden case and its chaos variants) — so a significant drop is never claimed from noise,
 *   however small the sample;
 * - the score test respects the bounds of the difference, so differences that all happen to agree
 *   (zero variance) still give an interval of non-zero width, and it does not lean on the symmetry
 *   the randomization test assumes away from δ = 0.
 *
 * A δ inside the interval is rejected by at most one of them, so the interval is at least as wide
 * as either and its p-value for "no difference" is the larger of the two.
 */

export interface PairedIntervalOptions {
  alpha: number;
  resamples: number;
  seed: Seed;
  /** Range of a per-case difference (default [−1, 1]). */
  range?: readonly [number, number];
  exactLimit?: number;
  /**
   * Span the bounded score interval too (default true). Without it the interval is the sign-flip
   * interval alone: right for continuous differences (mean scores), where the bound at ±1 is far
   * from any value seen and the score test would be far too wide, and equal differences are rare.
   */
  scoreTest?: boolean;
}

export interface PairedInterval {
  estimate: number;
  low: number;
  high: number;
  /** Two-sided p-value of "no difference": the larger of the two tests'. */
  pValue: number;
  /** Independent units: cases, or clusters when cases cluster. */
  units: number;
  randomization: Pick<SignFlipResult, 'low' | 'high' | 'pValue' | 'method' | 'resamples'>;
  /** Null when `scoreTest` is off. */
  score: Pick<BoundedScoreResult, 'low' | 'high' | 'pValue'> | null;
}

export function pairedInterval(units: UnitTotals, options: PairedIntervalOptions): PairedInterval {
  const range = options.range ?? [-1, 1];
  const groups = groupUnits(units); // both tests read the same groups
  const flip = signFlipInterval(units, { alpha: options.alpha, resamples: options.resamples, seed: options.seed, range, ...(options.exactLimit ? { exactLimit: options.exactLimit } : {}) }, groups);
  const randomization = { low: flip.low, high: flip.high, pValue: flip.pValue, method: flip.method, resamples: flip.resamples };
  if (options.scoreTest === false) {
    return { estimate: flip.estimate, low: flip.low, high: flip.high, pValue: flip.pValue, units: unitCount(units), randomization, score: null };
  }
  const score = boundedScoreInterval(units, { alpha: options.alpha, range, nullValue: 0 }, groups);
  return {
    estimate: flip.estimate,
    low: Math.min(flip.low, score.low),
    high: Math.max(flip.high, score.high),
    pValue: Math.max(flip.pValue, score.pValue),
    units: unitCount(units),
    randomization,
    score: { low: score.low, high: score.high, pValue: score.pValue },
  };
}

/** The smallest two-sided p-value a sign-flip test over `units` units can reach: 2^(1−units). */
export function smallestAttainablePValue(units: number): number {
  return units < 1 ? 1 : Math.min(1, 2 ** (1 - units));
}
