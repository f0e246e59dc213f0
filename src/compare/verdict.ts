/**
 * The verdict of one cell comparison under a policy (D = maxPassRateDrop, α = alpha):
 *
 * fail when a significant regression is beyond D —
 *   (a) McNemar exact p < α, more cases regressed than improved, and the pass rate fell by more than D
 *       (only without clusters: McNemar treats cases as independent); or
 *   (a') with clusters, the whole cluster-robust CI of the pass-rate difference lies below 0 and the
 *       pass rate fell by more than D; or
 *   (b) the whole (1 − α) CI of the paired pass-rate difference (cluster-robust with clusters) lies below −D; or
 *   (c) the whole (1 − α) CI of the paired mean-score difference (cluster-robust when chaos
 *       cases form clusters) lies below −D —
 * or when a hard rule is broken: cost per sample up by more than maxCostIncrease, p95 latency up
 * by more than maxP95LatencyIncrease, or (failOnNewErrors) an error kind the baseline never had.
 *
 * pass when a significant improvement is shown (McNemar p < α with more improved than regressed —
 * without clusters — or a difference CI, cluster-robust with clusters, entirely above 0), or when nothing significant changed and the comparison
 * could have seen a change of D (minimum detectable effect ≤ D).
 *
 * inconclusive otherwise: nothing significant, but the comparison is too small to see a change
 * of D; `needed` says how many cases (at the current repeats) or repeats (with the current cases)
 * would make the MDE reach D.
 */
import type { CellComparison, DifferenceTest, NoChangeValues, PairedStatistics, OperationalDeltas, Verdict, VerdictPolicyResolved, VerdictReason, VerdictResult } from './types.js';

export interface VerdictInput {
  stats: PairedStatistics;
  operational: OperationalDeltas;
  policy: VerdictPolicyResolved;
  /** Error kind → candidate samples with it, for kinds the baseline cell never had. */
  newErrors: Record<string, number>;
  repeatsNeeded: number | undefined;
  /** Notes that hold whatever the verdict (incomplete records, cases on one side only). */
  notes: VerdictReason[];
}

export function decideVerdict(input: VerdictInput): VerdictResult {
  const { stats, policy } = input;
  const failures = [...regressionReasons(stats, policy), ...hardRuleReasons(input)];
  if (failures.length) return { verdict: 'fail', reasons: [...failures, ...input.notes] };
  if (stats.n === 0) return { verdict: 'inconclusive', reasons: [{ rule: 'no_cases', values: {} }, ...input.notes] };

  const improvement = improvementReason(stats, policy);
  if (improvement) return { verdict: 'pass', reasons: [improvement, ...input.notes] };

  const summary = noChangeValues(stats, policy);
  if (stats.minimumDetectableEffect > policy.maxPassRateDrop) {
    const needed: NonNullable<VerdictResult['needed']> = {};
    if (stats.casesNeededForPolicyEffect !== null) needed.cases = stats.casesNeededForPolicyEffect;
    if (input.repeatsNeeded !== undefined) needed.repeats = input.repeatsNeeded;
    return { verdict: 'inconclusive', reasons: [{ rule: 'too_small', values: { ...summary, needed } }, ...input.notes], needed };
  }
  return { verdict: 'pass', reasons: [{ rule: 'no_change', values: summary }, ...input.notes] };
}

function intervalTest(i: { low: number; high: number }, policy: VerdictPolicyResolved, clusters?: number): DifferenceTest {
  return { kind: 'interval', low: i.low, high: i.high, alpha: policy.alpha, ...(clusters === undefined ? {} : { clusters }) };
}

function regressionReasons(stats: PairedStatistics, policy: VerdictPolicyResolved): VerdictReason[] {
  const reasons: VerdictReason[] = [];
  const { mcnemar } = stats;
  const passRateDiff = stats.clusteredPassRateDiff ?? stats.passRateDiff;
  const clusters = stats.clusteredPassRateDiff?.clusters;
  const rates = { baseline: stats.baselinePassRate.estimate, candidate: stats.candidatePassRate.estimate };
  const drop = -passRateDiff.estimate;
  const tolerance = policy.maxPassRateDrop;
  if (stats.clusteredPassRateDiff) {
    if (passRateDiff.high < 0 && drop > tolerance) {
      reasons.push({ rule: 'regression', values: { metric: 'pass_rate', estimate: passRateDiff.estimate, ...rates, tolerance, beyond: 'zero', test: intervalTest(passRateDiff, policy, clusters) } });
    }
  } else if (mcnemar.pExact < policy.alpha && mcnemar.regressed > mcnemar.improved && drop > tolerance) {
    const test: DifferenceTest = { kind: 'mcnemar_exact', regressed: mcnemar.regressed, improved: mcnemar.improved, p: mcnemar.pExact, alpha: policy.alpha };
    reasons.push({ rule: 'regression', values: { metric: 'pass_rate', estimate: passRateDiff.estimate, ...rates, tolerance, beyond: 'zero', test } });
  }
  if (!reasons.length && passRateDiff.high < -tolerance) {
    reasons.push({ rule: 'regression', values: { metric: 'pass_rate', estimate: passRateDiff.estimate, tolerance, beyond: 'tolerance', test: intervalTest(passRateDiff, policy, clusters) } });
  }
  const score = stats.clusteredScoreDiff ?? stats.scoreDiff;
  if (score.high < -tolerance) {
    reasons.push({
      rule: 'regression',
      values: { metric: 'mean_score', estimate: score.estimate, tolerance, beyond: 'tolerance', test: intervalTest(score, policy, stats.clusteredScoreDiff?.clusters) },
    });
  }
  return reasons;
}

function hardRuleReasons(input: VerdictInput): VerdictReason[] {
  const { operational, policy } = input;
  const reasons: VerdictReason[] = [];
  const cost = operational.costUsd.relative;
  if (policy.maxCostIncrease !== null && cost !== null && cost > policy.maxCostIncrease) {
    reasons.push({ rule: 'cost_increase', values: { relative: cost, baseline: operational.costUsd.baseline, candidate: operational.costUsd.candidate, limit: policy.maxCostIncrease } });
  }
  const p95 = operational.latencyP95Ms.relative;
  if (policy.maxP95LatencyIncrease !== null && p95 !== null && p95 > policy.maxP95LatencyIncrease) {
    reasons.push({
      rule: 'latency_increase',
      values: { percentile: 95, relative: p95, baseline: operational.latencyP95Ms.baseline, candidate: operational.latencyP95Ms.candidate, limit: policy.maxP95LatencyIncrease },
    });
  }
  const kinds = Object.keys(input.newErrors).sort();
  if (policy.failOnNewErrors && kinds.length) {
    reasons.push({ rule: 'new_errors', values: { kinds: Object.fromEntries(kinds.map((k) => [k, input.newErrors[k]!])) } });
  }
  return reasons;
}

function improvementReason(stats: PairedStatistics, policy: VerdictPolicyResolved): VerdictReason | undefined {
  const { mcnemar, scoreDiff } = stats;
  const passRateDiff = stats.clusteredPassRateDiff ?? stats.passRateDiff;
  const rates = { baseline: stats.baselinePassRate.estimate, candidate: stats.candidatePassRate.estimate };
  if (!stats.clusteredPassRateDiff && mcnemar.pExact < policy.alpha && mcnemar.improved > mcnemar.regressed) {
    const test: DifferenceTest = { kind: 'mcnemar_exact', regressed: mcnemar.regressed, improved: mcnemar.improved, p: mcnemar.pExact, alpha: policy.alpha };
    return { rule: 'improvement', values: { metric: 'pass_rate', estimate: passRateDiff.estimate, ...rates, test } };
  }
  if (passRateDiff.low > 0) {
    return { rule: 'improvement', values: { metric: 'pass_rate', estimate: passRateDiff.estimate, test: intervalTest(passRateDiff, policy, stats.clusteredPassRateDiff?.clusters) } };
  }
  const score = stats.clusteredScoreDiff ?? scoreDiff;
  if (score.low > 0) return { rule: 'improvement', values: { metric: 'mean_score', estimate: score.estimate, test: intervalTest(score, policy) } };
  return undefined;
}

function noChangeValues(stats: PairedStatistics, policy: VerdictPolicyResolved): NoChangeValues {
  const d = stats.passRateDiff;
  return {
    n: stats.n,
    estimate: d.estimate,
    low: d.low,
    high: d.high,
    alpha: policy.alpha,
    mcnemarP: stats.mcnemar.pExact,
    mde: stats.minimumDetectableEffect,
    tolerance: policy.maxPassRateDrop,
  };
}

const ORDER: Verdict[] = ['pass', 'inconclusive', 'fail'];

/** The worst verdict over cells; the first reason of each cell that carries it (naming the cell), then `notes` (e.g. an incomplete record). */
export function overallVerdict(cells: CellComparison[], notes: VerdictReason[]): VerdictResult {
  if (cells.length === 0) return { verdict: 'inconclusive', reasons: [{ rule: 'no_cells', values: {} }, ...notes] };
  const worst = cells.reduce<Verdict>((acc, cell) => (ORDER.indexOf(cell.verdict.verdict) > ORDER.indexOf(acc) ? cell.verdict.verdict : acc), 'pass');
  const carrying = cells.filter((cell) => cell.verdict.verdict === worst);
  const firsts = carrying.flatMap((cell) => (cell.verdict.reasons[0] ? [{ ...cell.verdict.reasons[0], cell: cell.label }] : []));
  const result: VerdictResult = { verdict: worst, reasons: [...firsts, ...notes] };
  if (worst === 'inconclusive') {
    const needed: NonNullable<VerdictResult['needed']> = {};
    for (const cell of carrying) {
      const n = cell.verdict.needed;
      if (n?.cases !== undefined) needed.cases = Math.max(needed.cases ?? 0, n.cases);
      if (n?.repeats !== undefined) needed.repeats = Math.max(needed.repeats ?? 0, n.repeats);
    }
    if (Object.keys(needed).length) result.needed = needed;
  }
  return result;
}

export function exitCodeForVerdict(verdict: Verdict, failOnInconclusive: boolean): number {
  if (verdict === 'fail') return 1;
  if (verdict === 'inconclusive' && failOnInconclusive) return 1;
  return 0;
}
