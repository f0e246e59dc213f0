import { normalQuantile } from './distributions.js';
import { requireNonNegativeInteger, requireProbability } from './validate.js';
import { InputError } from '../errors.js';

/** Wilson's interval for a pass rate (the paired comparison's intervals are in pairedInterval.ts). */

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

/** z such that P(|Z| ≤ z) = confidence. */
export function twoSidedNormalCritical(confidence: number): number {
  return normalQuantile(1 - (1 - confidence) / 2);
}
