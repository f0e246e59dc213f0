import { InputError } from '../errors.js';
import { logBeta, regularizedBeta, regularizedGammaP, regularizedGammaQ } from './special.js';

/** Standard normal and Student t distribution and quantile functions. */

/** Φ(x), via the incomplete gamma function: Φ(x) = ½·erfc(−x/√2) and erfc(u) = Q(½, u²). */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const halfSquare = (x * x) / 2;
  if (x < 0) return 0.5 * regularizedGammaQ(0.5, halfSquare);
  return 0.5 * (1 + regularizedGammaP(0.5, halfSquare));
}

// Wichura (1988), Algorithm AS 241 (PPND16): rational approximations, relative error ~1e-16.
// Coefficients in ascending powers of r.
const CENTRAL_NUM = [
  3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125,
  45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727,
];
const CENTRAL_DEN = [
  1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867,
  39307.89580009271061, 28729.085735721942674, 5226.495278852854561,
];
const INTERMEDIATE_NUM = [
  1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504,
  1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4,
];
const INTERMEDIATE_DEN = [
  1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459,
  0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9,
];
const TAIL_NUM = [
  6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123,
  0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7,
];
const TAIL_DEN = [
  1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4,
  1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15,
];

/** Φ⁻¹(p) for p in [0, 1]; ±Infinity at the ends. */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) {
    throw new InputError(`must be a probability in [0, 1], got ${p}`, { field: 'p' });
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUM, r)) / polynomial(CENTRAL_DEN, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let x: number;
  if (r <= 5) {
    r -= 1.6;
    x = polynomial(INTERMEDIATE_NUM, r) / polynomial(INTERMEDIATE_DEN, r);
  } else {
    r -= 5;
    x = polynomial(TAIL_NUM, r) / polynomial(TAIL_DEN, r);
  }
  return q < 0 ? -x : x;
}

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + (coefficients[i] as number);
  return value;
}

function requireDegreesOfFreedom(df: number): void {
  if (!(df > 0)) throw new InputError(`degrees of freedom must be > 0, got ${df}`, { field: 'df' });
}

/**
 * Student t CDF. The tail below −|t| is ½·I_{ν/(ν+t²)}(ν/2, ½); 1 − x is passed as t²/(ν+t²)
 * so that small tails keep full relative precision.
 */
export function tCdf(x: number, df: number): number {
  requireDegreesOfFreedom(df);
  if (Number.isNaN(x)) return NaN;
  if (df === Infinity) return normalCdf(x);
  const lowerTail = tLowerTail(-Math.abs(x), df);
  return x < 0 ? lowerTail : 1 - lowerTail;
}

/** P(T ≤ t) for t ≤ 0, without cancellation. */
function tLowerTail(t: number, df: number): number {
  if (t === -Infinity) return 0;
  const t2 = t * t;
  const denominator = df + t2;
  return 0.5 * regularizedBeta(df / denominator, df / 2, 0.5, t2 / denominator);
}

function logTDensity(t: number, df: number): number {
  return -0.5 * Math.log(df) - logBeta(df / 2, 0.5) - ((df + 1) / 2) * Math.log1p((t * t) / df);
}

/**
 * Student t quantile (inverse CDF). Closed forms for ν = 1 and 2; otherwise a Cornish–Fisher
 * start (Abramowitz & Stegun 26.7.5) refined by Newton steps on log F(t) − log p, safeguarded by
 * bisection. Working in the lower tail with logs keeps precision for p far from ½.
 */
export function tQuantile(p: number, df: number): number {
  requireDegreesOfFreedom(df);
  if (Number.isNaN(p) || p < 0 || p > 1) {
    throw new InputError(`must be a probability in [0, 1], got ${p}`, { field: 'p' });
  }
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  if (p > 0.5) return -lowerTailQuantile(1 - p, df);
  return lowerTailQuantile(p, df);
}

/** The t ≤ 0 with P(T ≤ t) = p, for 0 < p < ½. */
function lowerTailQuantile(p: number, df: number): number {
  if (df === 1) return -1 / Math.tan(Math.PI * p);
  if (df === 2) return -(1 - 2 * p) / Math.sqrt(2 * p * (1 - p));

  const logP = Math.log(p);
  // Bracket [low, high] with F(low) ≤ p ≤ F(high); high starts at 0 where F = ½.
  let high = 0;
  let low = -1;
  while (tLowerTail(low, df) > p) {
    high = low;
    low *= 2;
  }
  let t = Math.min(high, Math.max(low, cornishFisher(p, df)));
  for (let iteration = 0; iteration < 200; iteration++) {
    const cdf = tLowerTail(t, df);
    const error = Math.log(cdf) - logP;
    if (error > 0) high = t;
    else low = t;
    // d/dt log F(t) = f(t) / F(t)
    const step = error / Math.exp(logTDensity(t, df) - Math.log(cdf));
    let next = t - step;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) return next;
    t = next;
  }
  return t;
}

function cornishFisher(p: number, df: number): number {
  const z = normalQuantile(p);
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * ((5 * z2 + 16) * z2 + 3)) / 96;
  const g3 = (z * (((3 * z2 + 19) * z2 + 17) * z2 - 15)) / 384;
  const g4 = (z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945)) / 92160;
  return z + g1 / df + g2 / df ** 2 + g3 / df ** 3 + g4 / df ** 4;
}
