/**
 * Paired statistics of one cell comparison. The case is the unit: every figure is computed over
 * per-case values (pass fraction and mean score over that case's repeats), never over attempts, so
 * three repeats of one case are not counted as three independent pieces of evidence.
 */
import {
  clusteredPairedDifference,
  holm,
  mcnemarExact,
  mean,
  meanInterval,
  minimumDetectableEffect,
  passAtK,
  passHatK,
  pairedBootstrap,
  pairedDifference,
  requiredSampleSize,
  standardDeviation,
  wilsonInterval,
} from '../stats/index.js';
import { caseOutcome } from './classify.js';
import type { CaseComparison, CaseSide, Interval, PairedStatistics, SliceStatistics, VerdictPolicyResolved } from './types.js';

export const BOOTSTRAP_RESAMPLES = 2000;
/** More repeats than this are not suggested: past it, only more cases help. */
export const MAX_SUGGESTED_REPEATS = 50;

export interface PairedCase {
  comparison: CaseComparison;
  baseline: CaseSide;
  candidate: CaseSide;
}

/** Cases present on both sides with at least one scored repeat on each. */
export function pairedCases(cases: CaseComparison[]): PairedCase[] {
  const paired: PairedCase[] = [];
  for (const comparison of cases) {
    const { baseline, candidate } = comparison;
    if (!baseline || !candidate) continue;
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

export function pairedStatistics(paired: PairedCase[], options: StatisticsOptions): PairedStatistics {
  const { policy } = options;
  const n = paired.length;
  const basePass = paired.map((p) => p.baseline.passFraction);
  const candPass = paired.map((p) => p.candidate.passFraction);
  const passDiffs = paired.map((p) => p.candidate.passFraction - p.baseline.passFraction);
  const scoreDiffs = paired.map((p) => p.candidate.meanScore - p.baseline.meanScore);
  const clusters = paired.map((p) => p.comparison.cluster);
  const clustered = paired.some((p) => p.comparison.cluster !== p.comparison.caseId);

  let regressed = 0;
  let improved = 0;
  for (const p of paired) {
    const before = caseOutcome(p.baseline);
    const after = caseOutcome(p.candidate);
    if (before && !after) regressed++;
    if (!before && after) improved++;
  }
  const mcnemar = mcnemarExact(regressed, improved);
  // The difference intervals are the ones the verdict reads, so they follow the policy's alpha (95% by default).
  const confidence = 1 - policy.alpha;
  const passDiff = pairedDifference(passDiffs, confidence);
  const scoreDiff = pairedDifference(scoreDiffs, confidence);
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const bootstrap = pairedBootstrap(scoreDiffs, { resamples, seed: options.seed, confidence, ...(clustered ? { clusters } : {}) });

  const robustPass = clustered ? clusteredPairedDifference(passDiffs, clusters, confidence) : undefined;
  // Power figures use the cluster-robust spread when cases cluster: mutations of one golden case
  // move together, so they carry less information than as many independent cases.
  const sd = Math.max(planningSd(passDiffs), robustPass && Number.isFinite(robustPass.se) ? robustPass.se * Math.sqrt(n) : 0);
  const stats: PairedStatistics = {
    n,
    baselinePassRate: rateInterval(basePass),
    candidatePassRate: rateInterval(candPass),
    baselineMeanScore: meanOf(paired.map((p) => p.baseline.meanScore)),
    candidateMeanScore: meanOf(paired.map((p) => p.candidate.meanScore)),
    passRateDiff: { estimate: passDiff.meanDiff, low: passDiff.low, high: passDiff.high, se: passDiff.se, pValue: passDiff.pValue },
    scoreDiff: { estimate: scoreDiff.meanDiff, low: scoreDiff.low, high: scoreDiff.high, se: scoreDiff.se, pValue: scoreDiff.pValue },
    mcnemar: { regressed, improved, pExact: mcnemar.pExact, pMid: mcnemar.pMid },
    ...attemptCurves(paired),
    bootstrap: { low: bootstrap.low, high: bootstrap.high, resamples, seed: options.seed },
    minimumDetectableEffect: n >= 2 ? minimumDetectableEffect({ sd, n, alpha: policy.alpha }) : Infinity,
    casesNeededForPolicyEffect:
      n >= 2 && policy.maxPassRateDrop > 0 ? requiredSampleSize({ sd, effect: policy.maxPassRateDrop, alpha: policy.alpha }) : null,
  };
  if (clustered) {
    const robust = clusteredPairedDifference(scoreDiffs, clusters, confidence);
    const clusterCount = new Set(clusters).size;
    stats.clusteredScoreDiff = { estimate: robust.meanDiff, low: robust.low, high: robust.high, se: robust.se, clusters: clusterCount };
    stats.clusteredPassRateDiff = { estimate: robustPass!.meanDiff, low: robustPass!.low, high: robustPass!.high, se: robustPass!.se, clusters: clusterCount };
  }
  return stats;
}

/** pass@k and pass^k of each side, averaged over the paired cases, for every k both sides allow. */
export function attemptCurves(paired: PairedCase[]): Pick<PairedStatistics, 'passAtK' | 'passHatK'> {
  const maxK = Math.min(10, ...paired.map((p) => Math.min(p.baseline.scored ?? p.baseline.repeats, p.candidate.scored ?? p.candidate.repeats)));
  const passAtKRows: PairedStatistics['passAtK'] = [];
  const passHatKRows: PairedStatistics['passHatK'] = [];
  if (!paired.length || !Number.isFinite(maxK)) return { passAtK: passAtKRows, passHatK: passHatKRows };
  const average = (side: 'baseline' | 'candidate', k: number, estimator: typeof passAtK) =>
    paired.reduce((total, p) => total + estimator(p[side].passes, p[side].scored ?? p[side].repeats, k), 0) / paired.length;
  for (let k = 1; k <= maxK; k++) {
    passAtKRows.push({ k, baseline: average('baseline', k, passAtK), candidate: average('candidate', k, passAtK) });
    passHatKRows.push({ k, baseline: average('baseline', k, passHatK), candidate: average('candidate', k, passHatK) });
  }
  return { passAtK: passAtKRows, passHatK: passHatKRows };
}

/**
 * SD of the per-case pass-fraction differences used for power figures. It is never taken below
 * 1/√n — the SD when exactly one case of n flips — so a small run in which nothing happened to
 * change does not claim it could have seen any change at all.
 */
export function planningSd(passDiffs: number[]): number {
  const n = passDiffs.length;
  if (n < 2) return NaN;
  return Math.max(standardDeviation(passDiffs), 1 / Math.sqrt(n));
}

/**
 * Pass rate of one side: the mean per-case pass fraction. With one repeat (every fraction 0 or 1)
 * the interval is Wilson's; with repeats the per-case fractions are averaged and the interval is
 * t-based over cases, clipped to [0, 1] — the repeats of a case are not independent trials.
 */
export function rateInterval(fractions: number[]): Interval {
  const n = fractions.length;
  if (n === 0) return { estimate: NaN, low: NaN, high: NaN };
  if (fractions.every((f) => f === 0 || f === 1)) {
    const w = wilsonInterval(fractions.filter((f) => f === 1).length, n);
    return { estimate: w.estimate, low: w.low, high: w.high };
  }
  const t = meanInterval(fractions);
  return { estimate: t.mean, low: Math.max(0, t.low), high: Math.min(1, t.high) };
}

function meanOf(values: number[]): Interval {
  if (values.length === 0) return { estimate: NaN, low: NaN, high: NaN };
  const t = meanInterval(values);
  return { estimate: t.mean, low: t.low, high: t.high };
}

/**
 * Repeats per case that would bring the MDE down to `effect` with the current cases, or undefined
 * when no number of repeats can (the spread between cases alone is too large): then only more
 * cases help. The variance of a per-case difference splits into a between-case part and a
 * within-case part that shrinks as 1/repeats; the within part is estimated from each side's
 * repeat-to-repeat disagreement, p(1 − p)/(r − 1).
 */
export function repeatsNeeded(paired: PairedCase[], effect: number, alpha: number): number | undefined {
  const n = paired.length;
  if (n < 2 || !(effect > 0)) return undefined;
  const repeats = Math.max(1, Math.round(mean(paired.map((p) => Math.min(p.baseline.scored ?? p.baseline.repeats, p.candidate.scored ?? p.candidate.repeats)))));
  if (repeats < 2) return undefined; // no repeat-to-repeat variation to estimate from
  const within = mean(paired.map((p) => withinVariance(p.baseline) + withinVariance(p.candidate)));
  const total = planningSd(paired.map((p) => p.candidate.passFraction - p.baseline.passFraction)) ** 2;
  const between = Math.max(0, total - within);
  for (let r = repeats + 1; r <= MAX_SUGGESTED_REPEATS; r++) {
    const sd = Math.sqrt(between + (within * repeats) / r);
    if (minimumDetectableEffect({ sd, n, alpha }) <= effect) return r;
  }
  return undefined;
}

function withinVariance(side: CaseSide): number {
  const r = side.scored ?? side.repeats;
  if (r < 2) return 0;
  const p = side.passFraction;
  return (p * (1 - p)) / (r - 1);
}

/** Per-tag, per-scorer and per-operator slices, Holm-adjusted across all of them. */
export function sliceStatistics(paired: PairedCase[], alpha: number): SliceStatistics[] {
  const groups = new Map<string, number[]>();
  const push = (slice: string, value: number) => {
    const list = groups.get(slice);
    if (list) list.push(value);
    else groups.set(slice, [value]);
  };
  for (const p of paired) {
    const scoreDelta = p.candidate.meanScore - p.baseline.meanScore;
    for (const tag of new Set(p.comparison.tags)) push(`tag:${tag}`, scoreDelta);
    for (const operator of new Set(p.comparison.chaos?.operators ?? [])) push(`operator:${operator}`, scoreDelta);
    for (const [scorer, delta] of Object.entries(p.comparison.scorerDeltas)) push(`scorer:${scorer}`, delta);
  }
  const names = [...groups.keys()].sort(sliceOrder);
  const tests = names.map((slice) => {
    const diffs = groups.get(slice)!;
    const d = pairedDifference(diffs, 0.95);
    return { slice, n: diffs.length, scoreDiff: { estimate: d.meanDiff, low: d.low, high: d.high }, pValue: d.pValue };
  });
  const adjusted = holm(tests.map((t) => t.pValue));
  return tests.map((t, i) => {
    const pAdjusted = adjusted[i] ?? NaN;
    return { ...t, pAdjusted, significant: pAdjusted < alpha };
  });
}

const SLICE_KIND_ORDER = ['tag', 'scorer', 'operator'];

function sliceOrder(a: string, b: string): number {
  const kind = (s: string) => SLICE_KIND_ORDER.indexOf(s.slice(0, s.indexOf(':')));
  return kind(a) - kind(b) || (a < b ? -1 : a > b ? 1 : 0);
}
