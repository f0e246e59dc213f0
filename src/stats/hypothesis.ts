import { logGamma } from './special.js';
import { requireNonNegativeInteger } from './validate.js';

/** Hypothesis tests on paired pass/fail outcomes. */

export interface McNemarResult {
  /** Two-sided exact p: min(1, 2·P(X ≤ min(b, c))) with X ~ Binomial(b + c, ½). */
  pExact: number;
  /** Two-sided mid-p: the exact p minus the probability of the observed split (less conservative). */
  pMid: number;
  /** Discordant pairs that went pass → fail (regressed). */
  b: number;
  /** Discordant pairs that went fail → pass (improved). */
  c: number;
  /** b + c. */
  n: number;
}

/**
 * Exact McNemar test: under "no change" each discordant pair is equally likely to be a
 * regression or an improvement, so b ~ Binomial(b + c, ½). No discordant pairs → p = 1.
 */
export function mcnemarExact(b: number, c: number): McNemarResult {
  requireNonNegativeInteger(b, 'b');
  requireNonNegativeInteger(c, 'c');
  const n = b + c;
  const k = Math.min(b, c);
  const lowerTail = binomialHalfCdf(k, n);
  const observed = binomialHalfPmf(k, n);
  return {
    pExact: Math.min(1, 2 * lowerTail),
    pMid: Math.min(1, 2 * (lowerTail - observed / 2)),
    b,
    c,
    n,
  };
}

/** P(X = k) for X ~ Binomial(n, ½), in log space so large n neither overflows nor underflows early. */
function binomialHalfPmf(k: number, n: number): number {
  return Math.exp(logFactorial(n) - logFactorial(k) - logFactorial(n - k) - n * Math.LN2);
}

/** ln n!, from the direct product while it is representable (exact for n ≤ 22, so small tables give exact p-values). */
function logFactorial(n: number): number {
  if (n > 170) return logGamma(n + 1);
  let product = 1;
  for (let i = 2; i <= n; i++) product *= i;
  return Math.log(product);
}

/** P(X ≤ k) for X ~ Binomial(n, ½), k ≤ n/2: summed from the largest term down via the pmf ratio. */
function binomialHalfCdf(k: number, n: number): number {
  let term = binomialHalfPmf(k, n);
  let total = 0;
  // P(i − 1)/P(i) = i / (n − i + 1); terms shrink as i falls, so stop once they no longer count.
  for (let i = k; i >= 0 && term > 0; i--) {
    total += term;
    if (term < total * 1e-17) break;
    term *= i / (n - i + 1);
  }
  return total;
}

/**
 * One-sided Fisher exact test that the first group's rate is the higher: P(X ≥ a), X the first
 * group's count of hits given both groups' sizes and the hits of both (hypergeometric), for `a` of
 * `n1` against `b` of `n2`. No hits in the first group → 1.
 */
export function fisherExactGreater(a: number, n1: number, b: number, n2: number): number {
  for (const [value, name] of [[a, 'a'], [n1, 'n1'], [b, 'b'], [n2, 'n2']] as const) requireNonNegativeInteger(value, name);
  if (a > n1 || b > n2) throw new RangeError(`hits cannot exceed the group's size (a ${a} of n1 ${n1}, b ${b} of n2 ${n2})`);
  if (a === 0) return 1;
  const total = n1 + n2;
  const hits = a + b;
  const top = Math.min(hits, n1);
  let term = Math.exp(logChoose(hits, a) + logChoose(total - hits, n1 - a) - logChoose(total, n1));
  let sum = 0;
  // P(x + 1)/P(x) = (hits − x)(n1 − x) / ((x + 1)(total − hits − n1 + x + 1)); past the mode the terms only shrink.
  for (let x = a; x <= top && term > 0; x++) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= ((hits - x) * (n1 - x)) / ((x + 1) * (total - hits - n1 + x + 1));
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
