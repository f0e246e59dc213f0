import { InputError } from '../errors.js';
import { normalQuantile, tQuantile } from './distributions.js';
import { requireFiniteNonNegative, requirePositiveInteger, requireProbability } from './validate.js';

/**
 * Power analysis for paired comparisons: how small a change a suite of n cases can detect, and
 * how many cases are needed to detect a given change. All tests are two-sided at level alpha.
 */

export interface MeanPowerInput {
  /** Standard deviation of the per-case paired differences. */
  sd: number;
  /** Number of cases (pairs). */
  n: number;
  alpha?: number;
  power?: number;
}

/**
 * Minimum detectable mean paired difference:
 *
 *   MDE = (t_{1−α/2, n−1} + t_{power, n−1}) · sd / √n
 *
 * This is the normal-approximation formula (z_{1−α/2} + z_{power})·sd/√n with both z's replaced
 * by t quantiles on n − 1 df — the usual shifted-central-t approximation to the noncentral t,
 * which is slightly conservative and exact enough for planning. Needs n ≥ 2.
 */
export function minimumDetectableEffect({ sd, n, alpha = 0.05, power = 0.8 }: MeanPowerInput): number {
  requireFiniteNonNegative(sd, 'sd');
  requirePositiveInteger(n, 'n');
  if (n < 2) throw new InputError(`must be at least 2 to estimate a variance, got ${n}`, { field: 'n' });
  requireProbability(alpha, 'alpha');
  requireProbability(power, 'power');
  return tMultiplier(n - 1, alpha, power) * (sd / Math.sqrt(n));
}

export interface SampleSizeInput {
  sd: number;
  /** The mean paired difference to detect (> 0). */
  effect: number;
  alpha?: number;
  power?: number;
}

/**
 * Smallest n (≥ 2) whose minimumDetectableEffect is ≤ effect, i.e. the inverse of the formula
 * above: n ≥ ((t_{1−α/2,n−1} + t_{power,n−1})·sd/effect)². Starts from the normal-theory answer
 * ⌈((z_{1−α/2} + z_{power})·sd/effect)²⌉ and steps up, since t quantiles only add a few cases.
 */
export function requiredSampleSize({ sd, effect, alpha = 0.05, power = 0.8 }: SampleSizeInput): number {
  requireFiniteNonNegative(sd, 'sd');
  if (!(Number.isFinite(effect) && effect > 0)) {
    throw new InputError(`must be a finite number > 0, got ${effect}`, { field: 'effect' });
  }
  requireProbability(alpha, 'alpha');
  requireProbability(power, 'power');
  const zMultiplier = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  let n = Math.max(2, Math.ceil(((zMultiplier * sd) / effect) ** 2));
  while (tMultiplier(n - 1, alpha, power) * (sd / Math.sqrt(n)) > effect) n++;
  return n;
}

function tMultiplier(df: number, alpha: number, power: number): number {
  return tQuantile(1 - alpha / 2, df) + tQuantile(power, df);
}

export interface ProportionPowerInput {
  /**
   * Expected share of cases whose pass/fail outcome differs between the two runs (ψ = p10 + p01).
   * Preferred: take it from a previous comparison.
   */
  discordantRate?: number;
  /**
   * Expected pass rate, used when discordantRate is unknown: ψ is then taken as 2p(1 − p), the
   * discordant rate if the two runs' outcomes were independent. Real runs on the same cases are
   * positively correlated, so this overstates ψ and gives a conservative (larger) MDE.
   */
  p?: number;
  /** Number of cases (pairs). */
  n: number;
  alpha?: number;
  power?: number;
}

/**
 * Minimum detectable difference in paired pass rate δ = p01 − p10 (McNemar setting), from
 * Connor's (1987) sample-size formula
 *
 *   n = (z_{1−α/2}·√ψ + z_{power}·√(ψ − δ²))² / δ²
 *
 * solved for δ. With A = z_{1−α/2}·√ψ and B = z_{power} this is the quadratic
 * (n + B²)δ² − 2A√n·δ + A² − B²ψ = 0, whose larger root is
 *
 *   δ = (A·√n + B·√((n + B²)·ψ − A²)) / (n + B²).
 *
 * Returns Infinity when even δ = ψ (every discordant case moving the same way) is not
 * detectable with n cases.
 */
export function mdeForProportions({ discordantRate, p, n, alpha = 0.05, power = 0.8 }: ProportionPowerInput): number {
  requirePositiveInteger(n, 'n');
  requireProbability(alpha, 'alpha');
  requireProbability(power, 'power');
  const psi = resolveDiscordantRate(discordantRate, p);
  const a = normalQuantile(1 - alpha / 2) * Math.sqrt(psi);
  const b = normalQuantile(power);
  const discriminant = (n + b * b) * psi - a * a;
  if (discriminant < 0) return Infinity;
  const delta = (a * Math.sqrt(n) + b * Math.sqrt(discriminant)) / (n + b * b);
  return delta > psi ? Infinity : delta;
}

function resolveDiscordantRate(discordantRate: number | undefined, p: number | undefined): number {
  if (discordantRate !== undefined) {
    if (!(discordantRate >= 0 && discordantRate <= 1)) {
      throw new InputError(`must be between 0 and 1, got ${discordantRate}`, { field: 'discordantRate' });
    }
    return discordantRate;
  }
  if (p !== undefined) {
    if (!(p >= 0 && p <= 1)) throw new InputError(`must be between 0 and 1, got ${p}`, { field: 'p' });
    return 2 * p * (1 - p);
  }
  throw new InputError(
    'needs either discordantRate or p',
    { field: 'discordantRate' },
    'pass the expected share of cases that flip between runs, or the expected pass rate p',
  );
}
