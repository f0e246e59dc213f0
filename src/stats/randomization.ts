import { createRng, type Seed } from './random.js';
import { logGamma } from './special.js';
import { groupUnits, unitMean, type UnitGroup, type UnitTotals } from './units.js';
import { requirePositiveInteger, requireProbability } from './validate.js';

/**
 * The paired randomization (sign-flip) test and the interval that inverts it, over independent
 * units (cases, or clusters of cases).
 *
 * If the candidate is no different from the baseline, each unit's difference is as likely to have
 * come out with the opposite sign: flipping the signs of any subset of units gives an equally
 * likely data set. The test of "mean difference = δ" compares T(δ) = Σ_u (S_u − δ·m_u) (S_u a
 * unit's total, m_u its case count) with its values under all 2^U sign patterns. Flipping a subset
 * F changes T(δ) by −2·Σ_F (S_u − δ·m_u), so the flipped T is at least the observed one exactly when
 * δ ≥ mean_F, the mean difference of the cases in F. The test's p-values are therefore read off the
 * distribution of subset means (Hartigan 1969, "Using subsample values as typical values", JASA
 * 64:1303–1317), and the interval's bounds are its α/2 and 1 − α/2 points:
 *
 *   p_upper(δ) = P(F = ∅) + P(F ≠ ∅, mean_F ≤ δ)      low  = inf{δ : p_upper(δ) > α/2}
 *   p_lower(δ) = P(F = ∅) + P(F ≠ ∅, mean_F ≥ δ)      high = sup{δ : p_lower(δ) > α/2}
 *
 * with F a uniformly random subset. Under "no change" (δ = 0) the test is exact at any number of
 * units: its p-value is never below 2^(1−U), so two cases can never be significant. The 2^U
 * patterns are enumerated when their number (after grouping identical units) is at most
 * `exactLimit`; otherwise `resamples` random subsets are drawn from a seeded generator and the
 * observed pattern counts as one of them (p = (1 + k)/(B + 1)), which keeps the test valid at any B
 * (Phipson & Smyth 2010, "Permutation p-values should never be zero", SAGMB 9:39).
 */

export interface SignFlipOptions {
  alpha: number;
  /** Random sign patterns drawn when there are too many to enumerate. */
  resamples: number;
  seed: Seed;
  /** Enumerate every pattern when there are at most this many after grouping identical units (default 4,096). */
  exactLimit?: number;
  /** The range a per-case value can take, to clip the bounds (default [−1, 1]). */
  range?: readonly [number, number];
}

export interface SignFlipResult {
  estimate: number;
  low: number;
  high: number;
  /** Two-sided p-value of "mean difference = 0": 2 · min(p_upper(0), p_lower(0)), at most 1. */
  pValue: number;
  /** `exact`: every sign pattern enumerated; `monte_carlo`: `resamples` random patterns. */
  method: 'exact' | 'monte_carlo';
  resamples: number | null;
}

export const DEFAULT_EXACT_LIMIT = 4096;

/** Subset means closer than this are ties: sums of thirds that should cancel leave 1e-16 behind. */
const TIE = 1e-12;

/** `groups`: `groupUnits(units)` when the caller has it already (it sorts every unit). */
export function signFlipInterval(units: UnitTotals, options: SignFlipOptions, groups: UnitGroup[] = groupUnits(units)): SignFlipResult {
  requireProbability(options.alpha, 'alpha');
  requirePositiveInteger(options.resamples, 'resamples');
  const [lo, hi] = options.range ?? [-1, 1];
  const estimate = unitMean(units);
  if (groups.length === 0) return { estimate: NaN, low: NaN, high: NaN, pValue: NaN, method: 'exact', resamples: null };
  const distribution = subsetMeans(groups, options);
  const half = options.alpha / 2;
  const low = lowerBound(distribution, half);
  const high = upperBound(distribution, half);
  const pValue = Math.min(1, 2 * Math.min(tailAtOrBelow(distribution, 0), tailAtOrAbove(distribution, 0)));
  return {
    estimate,
    low: clip(low, lo, hi),
    high: clip(high, lo, hi),
    pValue,
    method: distribution.method,
    resamples: distribution.method === 'exact' ? null : options.resamples,
  };
}

/** The distribution of mean_F over random non-empty subsets F, sorted, with P(F = ∅) apart. */
export interface SubsetMeans {
  means: Float64Array;
  /** Probability of each entry of `means`; null when all are equal (Monte Carlo: 1/(B + 1)). */
  weights: Float64Array | null;
  equalWeight: number;
  /** P(F = ∅): 2^−U when exact; (1 + empty draws)/(B + 1) for Monte Carlo (the observed pattern). */
  emptyMass: number;
  method: 'exact' | 'monte_carlo';
}

function subsetMeans(groups: UnitGroup[], options: SignFlipOptions): SubsetMeans {
  const limit = options.exactLimit ?? DEFAULT_EXACT_LIMIT;
  let combinations = 1;
  for (const g of groups) {
    combinations *= g.count + 1;
    if (combinations > limit) break;
  }
  return combinations <= limit ? enumerate(groups, combinations) : sampleSubsetMeans(groups, options.resamples, options.seed);
}

/**
 * Every subset, grouped: from a group of c identical units, k are flipped in C(c, k) of the 2^c
 * ways, so each combination (k_1 … k_G) carries probability Π C(c_i, k_i) / 2^{c_i}.
 */
function enumerate(groups: UnitGroup[], combinations: number): SubsetMeans {
  const logPmf = groups.map((g) => binomialHalfLogPmf(g.count));
  const means = new Float64Array(combinations - 1);
  const weights = new Float64Array(combinations - 1);
  const k = new Array<number>(groups.length).fill(0);
  let units = 0;
  for (const g of groups) units += g.count;
  let written = 0;
  for (let index = 1; index < combinations; index++) {
    // Mixed-radix increment of (k_1 … k_G).
    for (let i = 0; i < groups.length; i++) {
      if (k[i]! < groups[i]!.count) {
        k[i]!++;
        break;
      }
      k[i] = 0;
    }
    let total = 0;
    let size = 0;
    let logWeight = 0;
    for (let i = 0; i < groups.length; i++) {
      const ki = k[i]!;
      total += ki * groups[i]!.sum;
      size += ki * groups[i]!.size;
      logWeight += logPmf[i]![ki]!;
    }
    means[written] = total / size;
    weights[written] = Math.exp(logWeight);
    written++;
  }
  return sortWeighted({ means, weights, equalWeight: 0, emptyMass: Math.exp(-units * Math.LN2), method: 'exact' });
}

/** ln P(X = k), X ~ Binomial(n, ½), for k = 0 … n. */
function binomialHalfLogPmf(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  const logNFactorial = logGamma(n + 1);
  for (let k = 0; k <= n; k++) out[k] = logNFactorial - logGamma(k + 1) - logGamma(n - k + 1) - n * Math.LN2;
  return out;
}

/**
 * `resamples` random subsets: each unit flipped with probability ½. Units that stand alone are
 * read bit by bit from 32-bit random words; from a group of c identical units, Binomial(c, ½) are
 * flipped, counted from c fair bits.
 *
 * Every mean must come out to the same bit whatever the machine, so each draw's flipped sums are
 * added in unit order, one by one (then its groups'). Two shortcuts keep that exactly:
 * - Draws are made `LANES` at a time: their random bits first, in the order one draw at a time
 *   reads them, then their additions side by side. A unit that is not flipped adds sum · 0 = ±0,
 *   which leaves a total unchanged (a total that starts at +0 never becomes −0), so no branch is
 *   taken per unit and the lanes' chains of additions run in parallel in the processor.
 * - Flipped sizes are whole numbers, whose sums are exact in any order: when every lone unit is
 *   one case (no clusters), a word's flipped size is its count of ones.
 */
export function sampleSubsetMeans(groups: UnitGroup[], resamples: number, seed: Seed): SubsetMeans {
  const singles = groups.filter((g) => g.count === 1);
  const multiples = groups.filter((g) => g.count > 1);
  const sums = Float64Array.from(singles, (g) => g.sum);
  const sizes = Float64Array.from(singles, (g) => g.size);
  const singlesAreCases = sizes.every((size) => size === 1);
  // sum · 0 is NaN for an infinite sum: such units are added only when flipped.
  const byProduct = sums.every((sum) => Number.isFinite(sum));
  const units = sums.length;
  const wordCount = Math.ceil(units / 32);
  const bits = new RandomBits(seed);
  const flips = new Int32Array(wordCount * LANES); // word w of lane r at w · LANES + r
  const groupFlips = new Float64Array(multiples.length * LANES); // flipped units of group i in lane r at i · LANES + r
  const flippedSizes = new Float64Array(LANES);
  const totals = new Float64Array(LANES);
  const means = new Float64Array(resamples);
  let written = 0;
  let empty = 0;
  for (let first = 0; first < resamples; first += LANES) {
    const lanes = Math.min(LANES, resamples - first);
    flips.fill(0);
    for (let r = 0; r < lanes; r++) {
      let size = 0;
      for (let w = 0; w < wordCount; w++) {
        const word = bits.word(Math.min(32, units - w * 32));
        flips[w * LANES + r] = word;
        size += singlesAreCases ? popcount(word) : flippedSize(word, sizes, w * 32);
      }
      for (let i = 0; i < multiples.length; i++) {
        const k = bits.countOnes(multiples[i]!.count);
        groupFlips[i * LANES + r] = k;
        size += k * multiples[i]!.size;
      }
      flippedSizes[r] = size;
    }
    if (byProduct) addFlippedSums(sums, flips, totals);
    else for (let r = 0; r < lanes; r++) totals[r] = flippedSum(sums, flips, r);
    for (let r = 0; r < lanes; r++) {
      let total = totals[r]!;
      for (let i = 0; i < multiples.length; i++) {
        const k = groupFlips[i * LANES + r]!;
        if (k !== 0) total += k * multiples[i]!.sum;
      }
      if (flippedSizes[r] === 0) empty++;
      else means[written++] = total / flippedSizes[r]!;
    }
  }
  const drawn = means.subarray(0, written).sort();
  return { means: drawn, weights: null, equalWeight: 1 / (resamples + 1), emptyMass: (1 + empty) / (resamples + 1), method: 'monte_carlo' };
}

/** Random draws whose sums are added side by side (see sampleSubsetMeans). */
const LANES = 4;

/** Each lane's Σ of the flipped sums, in unit order, as Σ sum · bit (all sums finite). */
function addFlippedSums(sums: Float64Array, flips: Int32Array, totals: Float64Array): void {
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  for (let base = 0, at = 0; base < sums.length; base += 32, at += LANES) {
    const x0 = flips[at]!;
    const x1 = flips[at + 1]!;
    const x2 = flips[at + 2]!;
    const x3 = flips[at + 3]!;
    const width = Math.min(32, sums.length - base);
    for (let j = 0; j < width; j++) {
      const sum = sums[base + j]!;
      t0 += sum * ((x0 >>> j) & 1);
      t1 += sum * ((x1 >>> j) & 1);
      t2 += sum * ((x2 >>> j) & 1);
      t3 += sum * ((x3 >>> j) & 1);
    }
  }
  totals[0] = t0;
  totals[1] = t1;
  totals[2] = t2;
  totals[3] = t3;
}

/** Lane r's Σ of the flipped sums, in unit order, flipped units only. */
function flippedSum(sums: Float64Array, flips: Int32Array, r: number): number {
  let total = 0;
  for (let base = 0, at = r; base < sums.length; base += 32, at += LANES) {
    for (let word = flips[at]!; word !== 0; word &= word - 1) total += sums[base + 31 - Math.clz32(word & -word)]!;
  }
  return total;
}

/** Σ of the sizes of the units flipped in `word` (units base … base + 31). */
function flippedSize(word: number, sizes: Float64Array, base: number): number {
  let size = 0;
  for (let w = word; w !== 0; w &= w - 1) size += sizes[base + 31 - Math.clz32(w & -w)]!;
  return size;
}

function sortWeighted(d: SubsetMeans): SubsetMeans {
  const order = Array.from(d.means.keys()).sort((a, b) => d.means[a]! - d.means[b]!);
  return {
    ...d,
    means: Float64Array.from(order, (i) => d.means[i]!),
    weights: Float64Array.from(order, (i) => d.weights![i]!),
  };
}

function weightAt(d: SubsetMeans, i: number): number {
  return d.weights ? d.weights[i]! : d.equalWeight;
}

/** inf{δ : p_upper(δ) > α/2}; −∞ when the empty subset alone already exceeds it. */
function lowerBound(d: SubsetMeans, half: number): number {
  let mass = d.emptyMass;
  if (mass > half) return -Infinity;
  const n = d.means.length;
  for (let i = 0; i < n; ) {
    const value = d.means[i]!;
    // All entries equal to `value` count at δ = value.
    while (i < n && d.means[i]! <= value + TIE) mass += weightAt(d, i++);
    if (mass > half) return value;
  }
  return Infinity;
}

/** sup{δ : p_lower(δ) > α/2}; +∞ when the empty subset alone already exceeds it. */
function upperBound(d: SubsetMeans, half: number): number {
  let mass = d.emptyMass;
  if (mass > half) return Infinity;
  for (let i = d.means.length - 1; i >= 0; ) {
    const value = d.means[i]!;
    while (i >= 0 && d.means[i]! >= value - TIE) mass += weightAt(d, i--);
    if (mass > half) return value;
  }
  return -Infinity;
}

/** p_upper(δ) = P(F = ∅) + P(mean_F ≤ δ). */
function tailAtOrBelow(d: SubsetMeans, delta: number): number {
  let mass = d.emptyMass;
  for (let i = 0; i < d.means.length && d.means[i]! <= delta + TIE; i++) mass += weightAt(d, i);
  return Math.min(1, mass);
}

/** p_lower(δ) = P(F = ∅) + P(mean_F ≥ δ). */
function tailAtOrAbove(d: SubsetMeans, delta: number): number {
  let mass = d.emptyMass;
  for (let i = d.means.length - 1; i >= 0 && d.means[i]! >= delta - TIE; i--) mass += weightAt(d, i);
  return Math.min(1, mass);
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** Fair random bits from the seeded generator, 32 at a time. */
class RandomBits {
  private readonly rng;
  private buffer = 0;
  private left = 0;

  constructor(seed: Seed) {
    this.rng = createRng(seed);
  }

  /** The next `width` (1 … 32) fair bits, as the low bits of an integer. */
  word(width: number): number {
    if (width === 32) return this.rng.nextUint32() | 0;
    if (this.left < width) {
      this.buffer = this.rng.nextUint32();
      this.left = 32;
    }
    const out = this.buffer & ((1 << width) - 1);
    this.buffer = this.buffer >>> width;
    this.left -= width;
    return out;
  }

  /** How many of the next n fair bits are ones: a Binomial(n, ½) draw. */
  countOnes(n: number): number {
    let ones = 0;
    let need = n;
    while (need >= 32) {
      ones += popcount(this.rng.nextUint32());
      need -= 32;
    }
    return need > 0 ? ones + popcount(this.word(need)) : ones;
  }
}

function popcount(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
