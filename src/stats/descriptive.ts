import { InputError } from '../errors.js';

/**
 * Descriptive statistics. Empty input gives NaN rather than throwing: a run summary over zero
 * samples is legitimate and should print "n/a", not crash. Sums are compensated (Neumaier) so
 * that long runs of small scores do not drift.
 */

export function sum(xs: ArrayLike<number>): number {
  let total = 0;
  let compensation = 0;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number;
    const t = total + x;
    compensation += Math.abs(total) >= Math.abs(x) ? total - t + x : x - t + total;
    total = t;
  }
  return total + compensation;
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return NaN;
  return sum(xs) / xs.length;
}

/** Sample variance (denominator n − 1); NaN when n < 2. Two-pass with the rounding-error correction term. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let squares = 0;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - m;
    squares += d * d;
    residual += d;
  }
  // `residual` is zero in exact arithmetic; subtracting residual²/n removes the mean's rounding error.
  return Math.max(0, (squares - (residual * residual) / n) / (n - 1));
}

export function standardDeviation(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Standard error of the mean, sqrt(variance / n); NaN when n < 2. */
export function standardError(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs) / xs.length);
}

/**
 * Quantile of already sorted data by linear interpolation between order statistics (Hyndman &
 * Fan type 7, R's default): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 */
export function quantile(sortedXs: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) {
    throw new InputError(`must be between 0 and 1, got ${q}`, { field: 'q' });
  }
  const n = sortedXs.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lowIndex = Math.floor(h);
  const low = sortedXs[lowIndex] as number;
  if (lowIndex + 1 >= n) return low;
  const high = sortedXs[lowIndex + 1] as number;
  return low + (h - lowIndex) * (high - low);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(sortedCopy(xs), 0.5);
}

export type Percentiles<P extends readonly number[]> = { [K in P[number] as `p${K}`]: number };

/**
 * Several percentiles (0..100) of unsorted data, computed on a sorted copy (the input is not
 * touched): `percentiles(latencies, [50, 95])` → `{ p50, p95 }`.
 */
export function percentiles<const P extends readonly number[]>(xs: ArrayLike<number>, ps: P): Percentiles<P> {
  const sorted = sortedCopy(xs);
  const result: Record<string, number> = {};
  for (const p of ps) {
    if (!(p >= 0 && p <= 100)) {
      throw new InputError(`must be between 0 and 100, got ${p}`, { field: 'percentiles' });
    }
    result[`p${p}`] = quantile(sorted, p / 100);
  }
  return result as Percentiles<P>;
}

function sortedCopy(xs: ArrayLike<number>): Float64Array {
  // Float64Array sorts numerically (and puts NaN last) without a comparator.
  return Float64Array.from(xs).sort();
}
