/**
 * Paired statistics of one cell comparison. The case is the unit: every figure is computed over
 * per-case values (pass fraction and mean score over that case's repeats), never over attempts, so
 * three repeats of one case are not counted as three independent pieces of evidence. When chaos
 * variants cluster with their golden case, the cluster is the independent unit.
 */
import {
  boundedScoreInterval,
  holm,
  mcnemarExact,
  mean,
  minimumDetectableDrop,
  nonInferiorityCases,
  nonInferiorityFailProbability,
  nonInferiorityPassProbability,
  normalQuantile,
  pairedInterval,
  passAtK,
  passHatK,
  smallestAttainablePValue,
  unitCases,
  unitStandardError,
  unitTotals,
  type UnitTotals,
} from '../stats/index.js';
import { byCodeUnits } from '../text.js';
import { caseOutcome, leftOutOfStatistics } from './classify.js';
import type { CaseComparison, CaseSide, DecisionInterval, Interval, PairedStatistics, RulePower, SliceStatistics, VerdictPolicyResolved } from './types.js';

/** Random sign patterns of the paired interval when there are too many to enumerate (B + 1 = 2,000). */
export const RANDOMIZATION_RESAMPLES = 1999;
/** More repeats than this are not suggested: past it, only more cases help. */
export const MAX_SUGGESTED_REPEATS = 50;
/** Power the "needed" figures aim for. */
export const PLANNING_POWER = 0.8;
/** Drops at which the chance of a fail is reported (besides the tolerance). */
export const REPORTED_DROPS = [0.05, 0.1, 0.2];

export interface PairedCase {
  comparison: CaseComparison;
  baseline: CaseSide;
  candidate: CaseSide;
}

/** Cases present on both sides with at least one scored repeat on each, except chaos cases that a side did not exercise. */
export function pairedCases(cases: CaseComparison[]): PairedCase[] {
  const paired: PairedCase[] = [];
  for (const comparison of cases) {
    const { baseline, candidate } = comparison;
    if (!baseline || !candidate || leftOutOfStatistics(comparison)) continue;
    if (caseOutcome(baseline) === undefined || caseOutcome(candidate) === undefined) continue;
    paired.push({ comparison, baseline, candidate });
  }
  return paired;
}

export interface StatisticsOptions {
  policy: VerdictPolicyResolved;
  seed: number;
  resamples?: number;
}

/** Cluster ids when any case belongs to another case's cluster (chaos variants); undefined otherwise. */
export function clusterIds(paired: PairedCase[]): string[] | undefined {
  return isClustered(paired) ? paired.map((p) => p.comparison.cluster) : undefined;
}

/** Whether any case belongs to another case's cluster. */
function isClustered(paired: PairedCase[]): boolean {
  return paired.some((p) => p.comparison.cluster !== p.comparison.caseId);
}

/** `passUnits`: `passDifferenceUnits(paired)`, made once by the caller (`repeatsNeeded` reads them too). */
export function pairedStatistics(paired: PairedCase[], options: StatisticsOptions, passUnits: UnitTotals): PairedStatistics {
  const { policy, seed } = options;
  const resamples = options.resamples ?? RANDOMIZATION_RESAMPLES;
  const n = paired.length;
  const clusters = clusterIds(paired);
  const units = (read: (p: PairedCase) => number) => unitTotals(caseValues(paired, read), clusters);
  const scoreUnits = units((p) => p.candidate.meanScore - p.baseline.meanScore);

  let regressed = 0;
  let improved = 0;
  for (const p of paired) {
    const before = caseOutcome(p.baseline);
    const after = caseOutcome(p.candidate);
    if (before && !after) regressed++;
    if (!before && after) improved++;
  }
  const mcnemar = mcnemarExact(regressed, improved);
  const passRateDiff = decisionInterval(passUnits, { alpha: policy.alpha, resamples, seed, clustered: clusters !== undefined });
  return {
    n,
    units: passUnits.sums.length,
    baselinePassRate: rateInterval(units((p) => p.baseline.passFraction), policy.alpha),
    candidatePassRate: rateInterval(units((p) => p.candidate.passFraction), policy.alpha),
    baselineMeanScore: rateInterval(units((p) => p.baseline.meanScore), policy.alpha),
    candidateMeanScore: rateInterval(units((p) => p.candidate.meanScore), policy.alpha),
    passRateDiff,
    scoreDiff: decisionInterval(scoreUnits, { alpha: policy.alpha, resamples, seed, clustered: clusters !== undefined, scoreTest: false }),
    mcnemar: { regressed, improved, pExact: mcnemar.pExact, pMid: mcnemar.pMid },
    ...attemptCurves(paired),
    power: rulePowerAt(passUnits, policy),
  };
}

/** One value per paired case, in a typed array (the unit totals are copied from it without boxing). */
function caseValues(paired: PairedCase[], read: (p: PairedCase) => number): Float64Array {
  const values = new Float64Array(paired.length);
  for (let i = 0; i < paired.length; i++) values[i] = read(paired[i]!);
  return values;
}

function passDifference(p: PairedCase): number {
  return p.candidate.passFraction - p.baseline.passFraction;
}

/** The units' totals of the per-case pass-rate differences (cluster-aware). */
export function passDifferenceUnits(paired: PairedCase[]): UnitTotals {
  return unitTotals(caseValues(paired, passDifference), clusterIds(paired));
}

function decisionInterval(units: UnitTotals, options: { alpha: number; resamples: number; seed: number; clustered: boolean; scoreTest?: boolean }): DecisionInterval {
  const count = units.sums.length;
  if (count === 0) {
    return {
      estimate: NaN, low: NaN, high: NaN, pValue: NaN, alpha: options.alpha, units: 0, clustered: options.clustered,
      randomization: { method: 'exact', resamples: null, seed: options.seed, low: NaN, high: NaN, pValue: NaN },
      score: options.scoreTest === false ? null : { low: NaN, high: NaN, pValue: NaN },
    };
  }
  const interval = pairedInterval(units, { alpha: options.alpha, resamples: options.resamples, seed: options.seed, scoreTest: options.scoreTest !== false });
  return {
    estimate: interval.estimate,
    low: interval.low,
    high: interval.high,
    pValue: interval.pValue,
    alpha: options.alpha,
    units: interval.units,
    clustered: options.clustered,
    randomization: { ...interval.randomization, seed: options.seed },
    score: interval.score,
  };
}

/**
 * A side's pass rate (or mean score): the mean per-case value with the bounded score interval over
 * units — Wilson's interval when every case has one repeat; never of zero width because the cases
 * happen to agree.
 */
export function rateInterval(units: UnitTotals, alpha: number): Interval {
  if (units.sums.length === 0) return { estimate: NaN, low: NaN, high: NaN };
  const interval = boundedScoreInterval(units, { alpha, range: [0, 1], nullValue: 0.5 });
  return { estimate: interval.estimate, low: interval.low, high: interval.high };
}

/** pass@k and pass^k of each side, averaged over the paired cases, for every k both sides allow. */
export function attemptCurves(paired: PairedCase[]): Pick<PairedStatistics, 'passAtK' | 'passHatK'> {
  let maxK = 10;
  for (const p of paired) maxK = Math.min(maxK, scoredRepeats(p.baseline), scoredRepeats(p.candidate));
  const passAtKRows: PairedStatistics['passAtK'] = [];
  const passHatKRows: PairedStatistics['passHatK'] = [];
  if (!paired.length || !Number.isFinite(maxK)) return { passAtK: passAtKRows, passHatK: passHatKRows };
  const baseline = sideCurves(paired.map((p) => p.baseline), maxK);
  const candidate = sideCurves(paired.map((p) => p.candidate), maxK);
  for (let k = 1; k <= maxK; k++) {
    passAtKRows.push({ k, baseline: baseline.passAtK[k - 1]!, candidate: candidate.passAtK[k - 1]! });
    passHatKRows.push({ k, baseline: baseline.passHatK[k - 1]!, candidate: candidate.passHatK[k - 1]! });
  }
  return { passAtK: passAtKRows, passHatK: passHatKRows };
}

function scoredRepeats(side: CaseSide): number {
  return side.scored ?? side.repeats;
}

/**
 * The mean pass@k and pass^k over `sides` for k = 1 … maxK (index k − 1). Each mean adds its
 * cases' values in case order; a case's values depend only on its passes and scored repeats, so
 * they are computed once per such pair.
 */
export function sideCurves(sides: CaseSide[], maxK: number): { passAtK: number[]; passHatK: number[] } {
  const atTotals = new Float64Array(maxK);
  const hatTotals = new Float64Array(maxK);
  const known = new Map<number, Map<number, { atK: number[]; hatK: number[] }>>();
  for (const side of sides) {
    const n = scoredRepeats(side);
    let byPasses = known.get(n);
    if (!byPasses) known.set(n, (byPasses = new Map()));
    let values = byPasses.get(side.passes);
    if (!values) {
      values = { atK: [], hatK: [] };
      for (let k = 1; k <= maxK; k++) {
        values.atK.push(passAtK(side.passes, n, k));
        values.hatK.push(passHatK(side.passes, n, k));
      }
      byPasses.set(side.passes, values);
    }
    for (let i = 0; i < maxK; i++) {
      atTotals[i]! += values.atK[i]!;
      hatTotals[i]! += values.hatK[i]!;
    }
  }
  return { passAtK: Array.from(atTotals, (total) => total / sides.length), passHatK: Array.from(hatTotals, (total) => total / sides.length) };
}

/**
 * The spread of the mean difference, for planning: `observed` = √(Σ_u (S_u − d̄·m_u)²) / N over
 * units (cluster-aware), and `floor` = z / (U + z²), the standard error the interval acts as if it
 * had when every difference is the same. That is the bounded score interval's half-width over z for
 * U units that all agree (z²/(U + z²), the Wilson-like width of "no unit disagreed"), so a
 * comparison in which nothing happened to change does not claim it could see any change at all.
 */
export function planningSpread(units: UnitTotals, alpha: number): { observed: number; floor: number; cases: number; units: number } {
  const cases = unitCases(units);
  const count = units.sums.length;
  if (cases === 0) return { observed: NaN, floor: NaN, cases, units: count };
  const z = normalQuantile(1 - alpha / 2);
  return { observed: unitStandardError(units), floor: z / (count + z * z), cases, units: count };
}

/** What the rule (pass: low > −D; fail: high < 0 and low < −D) can see with this standard error. */
export function rulePower(se: number, policy: VerdictPolicyResolved): RulePower {
  if (!Number.isFinite(se)) {
    return { se: NaN, passIfNoChange: 0, failAtDrop: [], minimumDetectableDrop: Infinity, casesForPass: null };
  }
  const input = { se, margin: policy.maxPassRateDrop, alpha: policy.alpha };
  const drops = [...new Set([policy.maxPassRateDrop, ...REPORTED_DROPS])].filter((d) => d > 0).sort((a, b) => a - b);
  return {
    se,
    passIfNoChange: nonInferiorityPassProbability(input, 0),
    failAtDrop: drops.map((drop) => ({ drop, probability: nonInferiorityFailProbability(input, -drop) })),
    minimumDetectableDrop: minimumDetectableDrop(input, PLANNING_POWER),
    casesForPass: null,
  };
}

/**
 * rulePower at the current size, plus the cases for an 80% chance of a pass with no true drop: the
 * units U' at which max(observed·√(U/U'), z/(U' + z²)) reaches D / (z + z_0.8), as cases at the
 * current cases per unit.
 */
export function rulePowerAt(units: UnitTotals, policy: VerdictPolicyResolved): RulePower {
  const spread = planningSpread(units, policy.alpha);
  const power = rulePower(Math.max(spread.observed, spread.floor), policy);
  if (Number.isFinite(spread.observed) && policy.maxPassRateDrop > 0) {
    const z = normalQuantile(1 - policy.alpha / 2);
    const target = policy.maxPassRateDrop / (z + normalQuantile(PLANNING_POWER));
    const forSpread = nonInferiorityCases({ sd: spread.observed * Math.sqrt(spread.units), margin: policy.maxPassRateDrop, alpha: policy.alpha, power: PLANNING_POWER });
    const needed = Math.max(forSpread, z / target - z * z);
    power.casesForPass = Math.ceil(needed * (spread.cases / spread.units));
  }
  return power;
}

/**
 * Repeats per case that would give the rule an 80% chance of a pass (no true drop) with the
 * current cases, or undefined when no number of repeats can — the spread between cases alone is
 * too large, or there are too few units for any spread: then only more cases help. The variance of
 * a per-case difference splits into a between-case part and a within-case part that shrinks as
 * 1/repeats; the within part is estimated from each side's repeat-to-repeat disagreement,
 * p(1 − p)/(r − 1).
 */
export interface RepeatsPlan {
  /** Scored repeats per case now (the mean over paired cases, rounded). */
  current: number;
  /** Repeats per case that would give an 80% chance of a pass with no true drop. */
  needed?: number;
  /** Why no number of repeats would: the cases differ too much, or there are too few units. */
  cannot?: 'cases_differ' | 'too_few_units';
}

/** `passUnits`: `passDifferenceUnits(paired)`, when the caller has them already. */
export function repeatsNeeded(paired: PairedCase[], policy: VerdictPolicyResolved, passUnits?: UnitTotals): RepeatsPlan {
  const n = paired.length;
  const current = n ? Math.max(1, Math.round(mean(paired.map((p) => Math.min(scoredRepeats(p.baseline), scoredRepeats(p.candidate)))))) : 0;
  const effect = policy.maxPassRateDrop;
  if (n < 2 || !(effect > 0) || current < 2) return { current }; // below 2 repeats there is no repeat-to-repeat variation to go by
  const spread = planningSpread(passUnits ?? passDifferenceUnits(paired), policy.alpha);
  const target = effect / (normalQuantile(1 - policy.alpha / 2) + normalQuantile(PLANNING_POWER));
  if (spread.floor > target) return { current, cannot: 'too_few_units' };
  const within = mean(paired.map((p) => withinVariance(p.baseline) + withinVariance(p.candidate)));
  const total = n * spread.observed ** 2;
  const between = Math.max(0, total - within);
  for (let r = current + 1; r <= MAX_SUGGESTED_REPEATS; r++) {
    if (Math.sqrt((between + (within * current) / r) / n) <= target) return { current, needed: r };
  }
  return { current, cannot: 'cases_differ' };
}

function withinVariance(side: CaseSide): number {
  const r = scoredRepeats(side);
  if (r < 2) return 0;
  const p = side.passFraction;
  return (p * (1 - p)) / (r - 1);
}

/**
 * Per-tag, per-scorer and per-operator slices of the mean score difference, at the policy's alpha
 * and cluster-aware: the sign-flip test over the slice's units, exact under no change (its p-value
 * never falls below 2^(1−units), however equal the differences). A slice with too few units to ever be significant says so instead of giving a
 * p-value, and is left out of the Holm adjustment across the others (which cannot change its
 * result: Tarone 1990, Biometrics 46:515–522).
 */
export function sliceStatistics(paired: PairedCase[], policy: VerdictPolicyResolved, options: { seed: number; resamples?: number }): SliceStatistics[] {
  // Clusters are passed on only when some case is in another's cluster: one cluster per case is one
  // unit per case, and `unitTotals` then needs no lookup by cluster id. (The clustered path would
  // turn a −0 into 0; the sign-flip sums start from 0, so that never shows in a result.)
  const clustered = isClustered(paired);
  const kinds: Record<SliceKind, Map<string, SliceValues>> = { tag: new Map(), scorer: new Map(), operator: new Map() };
  const push = (slices: Map<string, SliceValues>, name: string, value: number, cluster: string) => {
    const slice = slices.get(name);
    if (slice) {
      slice.values.push(value);
      slice.clusters.push(cluster);
    } else slices.set(name, { values: [value], clusters: [cluster] });
  };
  for (const p of paired) {
    const scoreDelta = p.candidate.meanScore - p.baseline.meanScore;
    const cluster = p.comparison.cluster;
    for (const tag of distinct(p.comparison.tags)) push(kinds.tag, tag, scoreDelta, cluster);
    if (p.comparison.chaos) for (const operator of distinct(p.comparison.chaos.operators)) push(kinds.operator, operator, scoreDelta, cluster);
    const deltas = p.comparison.scorerDeltas;
    for (const scorer in deltas) push(kinds.scorer, scorer, deltas[scorer]!, cluster);
  }
  // By kind (tags, scorers, operators), then by name in code unit order.
  const slices = SLICE_KINDS.flatMap((kind) => [...kinds[kind].keys()].sort(byCodeUnits).map((name) => ({ slice: `${kind}:${name}`, ...kinds[kind].get(name)! })));
  const tests = slices.map(({ slice, values, clusters }) => {
    const units = unitTotals(values, clustered ? clusters : undefined);
    const count = units.sums.length;
    const tooSmall = smallestAttainablePValue(count) > policy.alpha;
    const interval = pairedInterval(units, { alpha: policy.alpha, resamples: options.resamples ?? RANDOMIZATION_RESAMPLES, seed: options.seed, scoreTest: false });
    return { slice, n: values.length, units: count, scoreDiff: { estimate: interval.estimate, low: interval.low, high: interval.high }, tooSmall, p: interval.pValue };
  });
  const adjusted = holm(tests.map((t) => (t.tooSmall ? NaN : t.p)));
  return tests.map((t, i) => {
    const pAdjusted = t.tooSmall ? null : (adjusted[i] ?? null);
    return {
      slice: t.slice,
      n: t.n,
      units: t.units,
      scoreDiff: t.scoreDiff,
      tooSmall: t.tooSmall,
      pValue: t.tooSmall ? null : t.p,
      pAdjusted,
      significant: pAdjusted !== null && pAdjusted < policy.alpha,
    };
  });
}

/** The strings once each, in order of first appearance (as a Set lists them); most lists have one. */
function distinct(strings: string[]): Iterable<string> {
  return strings.length < 2 ? strings : new Set(strings);
}

/** The values of one slice, with the cluster of each. */
interface SliceValues {
  values: number[];
  clusters: string[];
}

type SliceKind = 'tag' | 'scorer' | 'operator';
/** The order in which the kinds of slices are listed. */
const SLICE_KINDS: SliceKind[] = ['tag', 'scorer', 'operator'];
