import { InputError } from '../errors.js';
import { normalCdf, normalQuantile } from './distributions.js';
import { requireFiniteNonNegative, requireProbability } from './validate.js';

/**
 * Operating characteristics of the non-inferiority rule a comparison decides by, for a paired
 * difference whose estimate is roughly normal with standard error `se` (normal approximation, for
 * planning). With z = z_{1−α/2} and the (1 − α) interval estimate ± z·se, margin D:
 *
 *   pass  ⇔ low > −D                       P(pass | Δ) = Φ((Δ + D)/se − z)
 *   fail  ⇔ high < 0 and low < −D          P(fail | Δ) = Φ((min(−z·se, −D + z·se) − Δ)/se)
 *
 * Δ is the true difference (negative = a drop).
 */
export interface NonInferiorityInput {
  se: number;
  margin: number;
  alpha: number;
}

export function nonInferiorityPassProbability({ se, margin, alpha }: NonInferiorityInput, difference: number): number {
  requireFiniteNonNegative(se, 'se');
  requireProbability(alpha, 'alpha');
  const z = normalQuantile(1 - alpha / 2);
  if (se === 0) return difference + margin > 0 ? 1 : 0;
  return normalCdf((difference + margin) / se - z);
}

export function nonInferiorityFailProbability({ se, margin, alpha }: NonInferiorityInput, difference: number): number {
  requireFiniteNonNegative(se, 'se');
  requireProbability(alpha, 'alpha');
  const z = normalQuantile(1 - alpha / 2);
  const threshold = Math.min(-z * se, -margin + z * se);
  if (se === 0) return difference < threshold ? 1 : 0;
  return normalCdf((threshold - difference) / se);
}

/** The true drop (> 0) that the rule fails with probability `power`: z_power·se + max(z·se, D − z·se). */
export function minimumDetectableDrop({ se, margin, alpha }: NonInferiorityInput, power = 0.8): number {
  requireFiniteNonNegative(se, 'se');
  requireProbability(alpha, 'alpha');
  requireProbability(power, 'power');
  const z = normalQuantile(1 - alpha / 2);
  return normalQuantile(power) * se + Math.max(z * se, margin - z * se);
}

/**
 * Cases for the rule to pass with probability `power` when the candidate is truly no worse
 * (Δ = 0): n = (sd·(z_{1−α/2} + z_power) / D)², with sd the per-case standard deviation of the
 * difference (cluster-aware: N·se² at the current N).
 */
export function nonInferiorityCases({ sd, margin, alpha, power = 0.8 }: { sd: number; margin: number; alpha: number; power?: number }): number {
  requireFiniteNonNegative(sd, 'sd');
  requireProbability(alpha, 'alpha');
  requireProbability(power, 'power');
  if (!(margin > 0)) throw new InputError(`must be a number > 0, got ${margin}`, { field: 'margin' });
  const multiplier = normalQuantile(1 - alpha / 2) + normalQuantile(power);
  return Math.max(2, Math.ceil(((sd * multiplier) / margin) ** 2));
}
