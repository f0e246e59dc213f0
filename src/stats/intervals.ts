import { mean, standardError } from './descriptive.js';
import { normalQuantile, tCdf, tQuantile } from './distributions.js';
import { requireNonNegativeInteger, requireProbability, requireSameLength } from './validate.js';
import { InputError } from '../errors.js';

/** Confidence intervals for a pass rate, a mean, and a paired (optionally clustered) difference. */

export interface ProportionInterval {
  low: number;
  high: number;
  /** successes / n; NaN when n = 0. */
  estimate: number;
}

/**
 * Wilson score interval for a binomial proportion. Unlike the Wald interval it stays inside
 * [0, 1] and keeps its coverage at 0/n and n/n, which are common pass rates for small suites.
 * n = 0 gives the uninformative { low: 0, high: 1, estimate: NaN }.
 */
export function wilsonInterval(successes: number, n: number, confidence = 0.95): ProportionInterval {
  requireNonNegativeInteger(successes, 'successes');
  requireNonNegativeInteger(n, 'n');
  requireProbability(confidence, 'confidence');
  if (successes > n) throw new InputError(`successes (${successes}) exceed n (${n})`, { field: 'successes' });
  if (n === 0) return { low: 0, high: 1, estimate: NaN };
  const z = twoSidedNormalCritical(confidence);
  const p = successes / n;
  const z2n = (z * z) / n;
  const centre = (p + z2n / 2) / (1 + z2n);
  const halfWidth = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // Exact bounds at the edges avoid printing 1e-17 instead of 0.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - halfWidth),
    high: successes === n ? 1 : Math.min(1, centre + halfWidth),
    estimate: p,
  };
}

export interface MeanInterval {
  mean: number;
  se: number;
  low: number;
  high: number;
  df: number;
}

/** t-based interval mean ± t_{1−α/2, n−1}·s/√n. se, low and high are NaN when n < 2. */
export function meanInterval(xs: ArrayLike<number>, confidence = 0.95): MeanInterval {
  requireProbability(confidence, 'confidence');
  const n = xs.length;
  return tInterval(mean(xs), standardError(xs), n - 1, confidence);
}

export interface PairedDifference {
  meanDiff: number;
  se: number;
  low: number;
  high: number;
  n: number;
  df: number;
  /** Two-sided p-value of the t test of meanDiff = 0 (NaN when it is undefined). */
  pValue: number;
}

/**
 * Paired mean difference (candidate − baseline per case) with a t interval and a two-sided
 * paired t test. `diffs` holds one difference per case.
 */
export function pairedDifference(diffs: ArrayLike<number>, confidence = 0.95): PairedDifference {
  requireProbability(confidence, 'confidence');
  const n = diffs.length;
  const interval = tInterval(mean(diffs), standardError(diffs), n - 1, confidence);
  return toPaired(interval, n);
}

/**
 * Paired mean difference with a cluster-robust (CR1) standard error, for cases that are not
 * independent — e.g. chaos variants of one golden case, or repeats of one case.
 *
 *   V = G/(G−1) · Σ_g (Σ_{i∈g} (d_i − d̄))² / N²,   se = √V,   df = G − 1
 *
 * With one case per cluster (G = N) this reduces exactly to the ordinary s²/N: the G/(G−1)
 * factor equals N/(N−1) and turns Σ(d_i − d̄)²/N² into s²/N. (Stata's extra (N−1)/(N−K) factor
 * is 1 for a mean, K = 1.) With fewer than two clusters se, low and high are NaN.
 */
export function clusteredPairedDifference(
  diffs: ArrayLike<number>,
  clusterIds: ArrayLike<string | number>,
  confidence = 0.95,
): PairedDifference {
  requireProbability(confidence, 'confidence');
  requireSameLength(diffs, clusterIds, 'clusterIds');
  const n = diffs.length;
  const meanDiff = mean(diffs);
  const residualSums = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const id = clusterIds[i] as string | number;
    residualSums.set(id, (residualSums.get(id) ?? 0) + (diffs[i] as number) - meanDiff);
  }
  const clusters = residualSums.size;
  let sumOfSquares = 0;
  for (const s of residualSums.values()) sumOfSquares += s * s;
  const se = clusters < 2 ? NaN : Math.sqrt(((clusters / (clusters - 1)) * sumOfSquares) / (n * n));
  return toPaired(tInterval(meanDiff, se, clusters - 1, confidence), n);
}

function tInterval(centre: number, se: number, df: number, confidence: number): MeanInterval {
  if (!(df >= 1) || Number.isNaN(se)) return { mean: centre, se: NaN, low: NaN, high: NaN, df: Math.max(df, 0) };
  const halfWidth = tQuantile(1 - (1 - confidence) / 2, df) * se;
  return { mean: centre, se, low: centre - halfWidth, high: centre + halfWidth, df };
}

function toPaired(interval: MeanInterval, n: number): PairedDifference {
  return {
    meanDiff: interval.mean,
    se: interval.se,
    low: interval.low,
    high: interval.high,
    n,
    df: interval.df,
    pValue: twoSidedTPValue(interval.mean, interval.se, interval.df),
  };
}

function twoSidedTPValue(estimate: number, se: number, df: number): number {
  if (Number.isNaN(se) || Number.isNaN(estimate) || !(df >= 1)) return NaN;
  // All differences equal: no noise, so any non-zero mean is certain and zero is no evidence.
  if (se === 0) return estimate === 0 ? 1 : 0;
  return Math.min(1, 2 * tCdf(-Math.abs(estimate / se), df));
}

/** z such that P(|Z| ≤ z) = confidence. */
export function twoSidedNormalCritical(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}
