import { normalCdf, normalQuantile } from './distributions.js';
import { groupUnits, unitCases, unitMean, unitStandardError, type UnitGroup, type UnitTotals } from './units.js';
import { requireProbability } from './validate.js';

/**
 * A score interval for the mean of a bounded per-case value (a pass-rate difference in [−1, 1], a
 * pass rate in [0, 1]) over independent units (cases or clusters).
 *
 * The test of "mean = δ" is the score test Z(δ) = Σ_u g_u / √(U · V(δ)), with g_u = S_u − δ·m_u the
 * unit's estimating function and V(δ) its variance under the distribution that fits the data best
 * among those whose mean is δ (the restricted maximum likelihood estimate over the observed units,
 * Owen's empirical likelihood, 2001). Because the per-case value is bounded, that distribution may
 * also put weight on a unit lying at a bound (a cluster of the largest size with every case at the
 * bound): data that all agree then still leave room for units that disagree, so a handful of equal
 * differences never gives a zero-width interval — what a bare permutation or t interval would do.
 *
 * For one repeat and no clusters this is Tango's score interval for a difference of paired
 * proportions (Tango 1998, Statistics in Medicine 17:891–908; recommended by Fagerland, Lydersen &
 * Laake 2014, Statistics in Medicine 33:2850–2875), and for a rate of pass/fail cases it is
 * Wilson's interval. The interval is {δ : |Z(δ)| ≤ z_{1−α/2}}.
 */

export interface BoundedScoreOptions {
  alpha: number;
  /** The range a per-case value can take (default [−1, 1]). */
  range?: readonly [number, number];
  /** The value tested for `pValue` (default 0). */
  nullValue?: number;
}

export interface BoundedScoreResult {
  estimate: number;
  low: number;
  high: number;
  /** Two-sided p-value of "mean = nullValue". */
  pValue: number;
}

const BISECTION_STEPS = 60;

/** `groups`: `groupUnits(units)` when the caller has it already (it sorts every unit). */
export function boundedScoreInterval(units: UnitTotals, options: BoundedScoreOptions, groups: UnitGroup[] = groupUnits(units)): BoundedScoreResult {
  requireProbability(options.alpha, 'alpha');
  const [lo, hi] = options.range ?? [-1, 1];
  const nullValue = options.nullValue ?? 0;
  const estimate = unitMean(units);
  if (groups.length === 0) return { estimate: NaN, low: NaN, high: NaN, pValue: NaN };
  const z = normalQuantile(1 - options.alpha / 2);
  const statistic = (delta: number) => scoreStatistic(groups, delta, lo, hi);
  const step = z * Math.max(unitStandardError(units, estimate), (hi - lo) / (4 * unitCases(units)));
  const low = estimate <= lo ? lo : -boundary(-estimate, -lo, step, (delta) => statistic(-delta) - z);
  const high = estimate >= hi ? hi : boundary(estimate, hi, step, (delta) => -statistic(delta) - z);
  let pValue: number;
  if (nullValue > lo && nullValue < hi) pValue = Math.min(1, 2 * normalCdf(-Math.abs(statistic(nullValue))));
  else pValue = estimate === nullValue ? 1 : 0;
  return { estimate, low, high, pValue };
}

/**
 * Where the increasing f crosses 0 between `from` (f < 0) and `limit`: bracketed by steps of
 * `step`, doubling, from `from`; then false position (Illinois variant). f may be +∞ near `limit`.
 * Returns `limit` when f stays ≤ 0 up to it.
 */
function boundary(from: number, limit: number, step: number, f: (delta: number) => number): number {
  let left = from;
  let fLeft = f(from);
  if (fLeft >= 0) return from;
  let right = limit;
  let fRight = Infinity;
  for (let width = step; from + width < limit; width *= 2) {
    const value = f(from + width);
    if (value >= 0) {
      right = from + width;
      fRight = value;
      break;
    }
    left = from + width;
    fLeft = value;
  }
  if (!Number.isFinite(fRight)) {
    // Only the limit itself is left: f there is +∞ unless every unit sits at it.
    for (let i = 0; i < 60 && limit - left > 1e-12; i++) {
      const mid = (left + limit) / 2;
      const value = f(mid);
      if (value >= 0) {
        right = mid;
        fRight = value;
        break;
      }
      left = mid;
      fLeft = value;
    }
    if (!Number.isFinite(fRight)) return limit;
  }
  let side = 0;
  for (let i = 0; i < BISECTION_STEPS && right - left > 1e-12 * Math.max(1, Math.abs(left)); i++) {
    const mid = Number.isFinite(fRight) ? left - (fLeft * (right - left)) / (fRight - fLeft) : (left + right) / 2;
    const value = f(mid);
    if (value === 0) return mid;
    if (value < 0) {
      left = mid;
      fLeft = value;
      if (side === -1) fRight /= 2;
      side = -1;
    } else {
      right = mid;
      fRight = value;
      if (side === 1) fLeft /= 2;
      side = 1;
    }
  }
  return (left + right) / 2;
}

/** Z(δ) for δ strictly inside (lo, hi). */
export function scoreStatistic(groups: UnitGroup[], delta: number, lo: number, hi: number): number {
  let units = 0;
  let largest = 0;
  let total = 0;
  let allZero = true;
  const g = new Float64Array(groups.length);
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    g[i] = group.sum - delta * group.size;
    units += group.count;
    largest = Math.max(largest, group.size);
    total += group.count * g[i]!;
    if (g[i] !== 0) allZero = false;
  }
  if (allZero) return 0;
  const variance = restrictedVariance(groups, g, units, largest * (hi - delta), largest * (lo - delta));
  return variance > 0 ? total / Math.sqrt(units * variance) : total > 0 ? Infinity : total < 0 ? -Infinity : 0;
}

/**
 * Variance of g under the restricted fit: weights p_u = 1 / (U·(1 + t·g_u)) on the observed units
 * with t solving Σ g_u / (1 + t·g_u) = 0, or — when the root would need more weight beyond the
 * observed range than the observed units can give — the rest of the weight on the bound unit
 * (g = gUpper or gLower) at t = −1/g_bound.
 */
function restrictedVariance(groups: UnitGroup[], g: Float64Array, units: number, gUpper: number, gLower: number): number {
  const estimating = (t: number): number => {
    let sum = 0;
    for (let i = 0; i < groups.length; i++) sum += (groups[i]!.count * g[i]!) / (1 + t * g[i]!);
    return sum;
  };
  const weightedVariance = (t: number, bound: number | null): number => {
    let mass = 0;
    let second = 0;
    for (let i = 0; i < groups.length; i++) {
      const p = groups[i]!.count / (units * (1 + t * g[i]!));
      mass += p;
      second += p * g[i]! * g[i]!;
    }
    if (bound !== null) second += Math.max(0, 1 - mass) * bound * bound;
    return second;
  };
  const tUpper = -1 / gUpper; // the smallest t allowed: 1 + t·gUpper ≥ 0
  const tLower = -1 / gLower; // the largest t allowed
  let gMax = -Infinity;
  let gMin = Infinity;
  for (const value of g) {
    gMax = Math.max(gMax, value);
    gMin = Math.min(gMin, value);
  }
  // The bound unit can take weight only when no observed unit sits at that bound already.
  if (gMax < gUpper * (1 - 1e-12) && estimating(tUpper) <= 0) return weightedVariance(tUpper, gUpper);
  if (gMin > gLower * (1 - 1e-12) && estimating(tLower) >= 0) return weightedVariance(tLower, gLower);
  // Interior root: the estimating function falls from > 0 at tUpper to < 0 at tLower. Newton's
  // method from t = 0, kept inside the bracket (bisection when a step leaves it).
  let left = tUpper;
  let right = tLower;
  let t = 0;
  for (let step = 0; step < 100; step++) {
    let value = 0;
    let slope = 0;
    for (let i = 0; i < groups.length; i++) {
      const q = 1 + t * g[i]!;
      const term = (groups[i]!.count * g[i]!) / q;
      value += term;
      slope -= (term * g[i]!) / q;
    }
    if (value > 0) left = t;
    else right = t;
    if (value === 0) break;
    let next = t - value / slope;
    if (!(next > left && next < right)) next = (left + right) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return weightedVariance(t, null);
}
