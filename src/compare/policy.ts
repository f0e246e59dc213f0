/**
 * The verdict policy: defaults, then the config's `policy`, then the suite's, then CLI flags. Every
 * value is checked here so a typo in a flag, the config or a suite fails before any record is read.
 */
import { InputError } from '../errors.js';
/**
 * What a suite (or the config, or compare's flags) asks of a comparison: the tolerance D, the
 * level alpha, and the hard rules. Unset fields take DEFAULT_POLICY's values.
 */
export interface VerdictPolicy {
  /** The largest pass-rate drop (0..1) that still counts as no worse: D. */
  maxPassRateDrop?: number;
  alpha?: number;
  /** Fail when cost per sample rises by more than this share (0.2 = 20%). */
  maxCostIncrease?: number;
  /** Fail when p95 latency rises by more than this share. */
  maxP95LatencyIncrease?: number;
  /** Largest tolerated rise of the refusal rate, absolute: 0.02 fails a rise of more than 2 percentage points. */
  maxRefusalRateIncrease?: number;
  /** Largest tolerated rise of the share of answers cut at max_tokens, absolute. */
  maxTruncationRateIncrease?: number;
  /**
   * Fail when the candidate errs more than the baseline: an error kind the baseline's samples never
   * had, or a kind they had that the candidate has more often (one-sided Fisher exact test at alpha),
   * so one baseline timeout does not excuse timeouts on a third of the candidate's samples; or a
   * case the baseline scored and the candidate scored no repeat of.
   */
  failOnNewErrors?: boolean;
}
import type { VerdictPolicyResolved } from './types.js';

export const DEFAULT_POLICY: VerdictPolicyResolved = {
  maxPassRateDrop: 0.02,
  alpha: 0.05,
  maxCostIncrease: null,
  maxP95LatencyIncrease: null,
  maxRefusalRateIncrease: null,
  maxTruncationRateIncrease: null,
  failOnNewErrors: true,
};

export interface PolicySource {
  policy: VerdictPolicy;
  /** Where it came from, for error messages (a suite file or `--flags`). */
  origin: string;
}

/** Later sources override earlier ones, field by field. */
export function resolvePolicy(sources: PolicySource[]): VerdictPolicyResolved {
  const resolved: VerdictPolicyResolved = { ...DEFAULT_POLICY };
  for (const { policy, origin } of sources) {
    if (policy.maxPassRateDrop !== undefined) resolved.maxPassRateDrop = fraction(policy.maxPassRateDrop, 'maxPassRateDrop', origin, 0, 1);
    if (policy.alpha !== undefined) resolved.alpha = fraction(policy.alpha, 'alpha', origin, Number.MIN_VALUE, 0.5);
    if (policy.maxCostIncrease !== undefined) resolved.maxCostIncrease = fraction(policy.maxCostIncrease, 'maxCostIncrease', origin, 0, Infinity);
    if (policy.maxP95LatencyIncrease !== undefined) {
      resolved.maxP95LatencyIncrease = fraction(policy.maxP95LatencyIncrease, 'maxP95LatencyIncrease', origin, 0, Infinity);
    }
    if (policy.maxRefusalRateIncrease !== undefined) {
      resolved.maxRefusalRateIncrease = fraction(policy.maxRefusalRateIncrease, 'maxRefusalRateIncrease', origin, 0, 1);
    }
    if (policy.maxTruncationRateIncrease !== undefined) {
      resolved.maxTruncationRateIncrease = fraction(policy.maxTruncationRateIncrease, 'maxTruncationRateIncrease', origin, 0, 1);
    }
    if (policy.failOnNewErrors !== undefined) {
      if (typeof policy.failOnNewErrors !== 'boolean') {
        throw new InputError(`expected true or false, got ${JSON.stringify(policy.failOnNewErrors)}`, { file: origin, field: 'policy.failOnNewErrors' });
      }
      resolved.failOnNewErrors = policy.failOnNewErrors;
    }
  }
  return resolved;
}

function fraction(value: unknown, field: string, origin: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(
      `expected a number${max === Infinity ? ` ≥ ${min}` : ` between ${min === Number.MIN_VALUE ? 0 : min} and ${max}`}, got ${JSON.stringify(value)}`,
      { file: origin, field: `policy.${field}` },
      field === 'alpha'
        ? 'a significance level such as 0.05'
        : field.endsWith('RateIncrease') || field === 'maxPassRateDrop'
          ? 'a fraction: 0.02 means 2 percentage points'
          : 'a fraction: 0.25 means +25%',
    );
  }
  return value;
}
