/**
 * The verdict of one cell comparison under a policy (D = maxPassRateDrop, α = alpha). One rule,
 * on one interval: the (1 − α) paired interval of the mean per-case pass-fraction difference
 * (candidate − baseline; repeats averaged within a case, clusters of a golden case and its chaos
 * variants as units — see src/stats/pairedInterval.ts):
 *
 *   pass          low > −D                  the candidate is not worse by D or more (non-inferiority)
 *   fail          high < 0 and low < −D     a significant drop, and a drop beyond D is not ruled out
 *   inconclusive  otherwise                 low ≤ −D and high ≥ 0: `needed` says how many cases or
 *                                           repeats would decide it
 *
 * Each bound is a one-sided test at α/2, so a false fail under no change and a pass at a true drop
 * of D each happen at most α/2 of the time (up to the approximation of the score test; the bench
 * measures it). The hard rules fail whatever the interval says: cost per sample up by more than
 * maxCostIncrease, p95 latency up by more than maxP95LatencyIncrease, the refusal rate or the share
 * of answers cut at max_tokens up by more than maxRefusalRateIncrease / maxTruncationRateIncrease
 * (percentage points of scored golden samples), or (failOnNewErrors) an error kind the baseline
 * did not have, or had significantly less often (one-sided Fisher exact test at alpha), or a case
 * the baseline scored that the candidate has no scored repeat of; and, under any policy, a scorer the baseline scored cases with that the
 * candidate did not, or a candidate record that holds only part of its run (no summary line, or
 * fewer samples than planned). The whole comparison fails, too, on a candidate that left more
 * samples unscored than its own maxErrorRate allows (see compareSides). Reasons carry the numbers;
 * src/report/reasons.ts words them.
 */
import { ExitCode } from '../errors.js';
import type { RepeatsPlan } from './statistics.js';
import { fisherExactGreater } from '../stats/hypothesis.js';
import type { CellComparison, ComparisonResult, Deltas, ErrorKindCounts, PairedStatistics, RisenErrorKind, OperationalDeltas, PassRateDecision, RateIncrease, Verdict, VerdictPolicyResolved, VerdictReason, VerdictResult } from './types.js';

export interface VerdictInput {
  stats: PairedStatistics;
  operational: OperationalDeltas;
  policy: VerdictPolicyResolved;
  /** Per error kind of the cell: the samples with it on each side. */
  errorKinds: Record<string, ErrorKindCounts>;
  /** The candidate's `unscored_cases` note when some of them are cases the baseline scored (see hardRuleReasons). */
  lostCases?: VerdictReason;
  /** The `scorers_differ` reason when the baseline scored cases with scorers the candidate did not (always a fail). */
  missingScorers?: VerdictReason;
  /** The candidate's `incomplete_record` note when its record holds only part of its run (always a fail). */
  incompleteCandidate?: VerdictReason;
  /** The `missing_cases` reason when the candidate never ran cases of the baseline's cell on the same dataset (always a fail). */
  missingCases?: VerdictReason;
  /** The `baseline_unscored` reason when the baseline scored none of its cases: no verdict, and the comparison exits 3. */
  baselineUnscored?: VerdictReason;
  /** Scored repeats per case now, and how many would decide an inconclusive comparison (or why none would). */
  repeats: RepeatsPlan;
  /** Notes that hold whatever the verdict (incomplete records, cases on one side only). */
  notes: VerdictReason[];
}

export function decideVerdict(input: VerdictInput): VerdictResult {
  const { stats, policy } = input;
  const hard = hardRuleReasons(input);
  // A note that became a hard rule's reason is said once, as the reason.
  const notes = [...input.notes.filter((note) => !hard.includes(note)), ...rulesNotChecked(input.operational, policy)];
  if (stats.n === 0) {
    const why: VerdictReason = input.baselineUnscored ?? { rule: 'no_cases', values: {} };
    return { verdict: hard.length ? 'fail' : 'inconclusive', reasons: [...hard, why, ...notes] };
  }
  const values = decisionValues(stats, policy);
  const tolerance = policy.maxPassRateDrop;
  if (values.low > -tolerance) {
    return { verdict: hard.length ? 'fail' : 'pass', reasons: [...hard, { rule: 'non_inferior', values }, ...notes] };
  }
  if (values.high < 0) return { verdict: 'fail', reasons: [{ rule: 'regression', values }, ...hard, ...notes] };
  const needed: NonNullable<VerdictResult['needed']> = {};
  if (stats.power.casesForPass !== null) needed.cases = stats.power.casesForPass;
  if (input.repeats.needed !== undefined) needed.repeats = input.repeats.needed;
  const reason: VerdictReason = {
    rule: 'too_small',
    values: { ...values, needed, repeats: input.repeats.current, ...(input.repeats.cannot ? { repeatsCannot: input.repeats.cannot } : {}), passIfNoChange: stats.power.passIfNoChange },
  };
  if (hard.length) return { verdict: 'fail', reasons: [...hard, reason, ...notes] };
  return { verdict: 'inconclusive', reasons: [reason, ...notes], needed };
}

function decisionValues(stats: PairedStatistics, policy: VerdictPolicyResolved): PassRateDecision {
  const d = stats.passRateDiff;
  return {
    baseline: stats.baselinePassRate.estimate,
    candidate: stats.candidatePassRate.estimate,
    estimate: d.estimate,
    low: d.low,
    high: d.high,
    alpha: d.alpha,
    tolerance: policy.maxPassRateDrop,
    cases: stats.n,
    units: d.units,
    clustered: d.clustered,
    test: { method: d.randomization.method, resamples: d.randomization.resamples, pValue: d.pValue },
  };
}

/**
 * The error kinds the candidate has that the baseline did not, and those it has more often: a
 * one-sided Fisher exact test on the two sides' samples below alpha. Not only the kinds: one
 * timeout in the baseline must not excuse a candidate that times out on a third of its samples,
 * and one error on a case where the baseline had none is noise, not a regression. Undefined when
 * there are none.
 */
function risenErrorKinds(kinds: Record<string, ErrorKindCounts>, alpha: number): Record<string, RisenErrorKind> | undefined {
  const risen: Record<string, RisenErrorKind> = {};
  for (const [kind, n] of Object.entries(kinds)) {
    if (n.candidate === 0) continue;
    if (n.baseline === 0) {
      risen[kind] = { ...n, pValue: null };
      continue;
    }
    const pValue = fisherExactGreater(n.candidate, n.candidateSamples, n.baseline, n.baselineSamples);
    if (pValue < alpha) risen[kind] = { ...n, pValue };
  }
  return Object.keys(risen).length ? risen : undefined;
}

function hardRuleReasons(input: VerdictInput): VerdictReason[] {
  const { operational, policy } = input;
  const reasons: VerdictReason[] = [];
  const cost = operational.costUsd.relative;
  if (policy.maxCostIncrease !== null && cost !== null && exceedsLimit(cost, policy.maxCostIncrease)) {
    reasons.push({ rule: 'cost_increase', values: { relative: cost, baseline: operational.costUsd.baseline, candidate: operational.costUsd.candidate, limit: policy.maxCostIncrease } });
  }
  const p95 = operational.latencyP95Ms.relative;
  if (policy.maxP95LatencyIncrease !== null && p95 !== null && exceedsLimit(p95, policy.maxP95LatencyIncrease)) {
    reasons.push({
      rule: 'latency_increase',
      values: { percentile: 95, relative: p95, baseline: operational.latencyP95Ms.baseline, candidate: operational.latencyP95Ms.candidate, limit: policy.maxP95LatencyIncrease },
    });
  }
  const stops = operational.stops;
  if (stops) {
    const refusal = rateIncrease(stops.refusalRate, stops.scored, policy.maxRefusalRateIncrease);
    if (refusal) reasons.push({ rule: 'refusal_rate_increase', values: refusal });
    const truncation = rateIncrease(stops.maxTokensRate, stops.scored, policy.maxTruncationRateIncrease);
    if (truncation) reasons.push({ rule: 'truncation_rate_increase', values: truncation });
  }
  const risen = policy.failOnNewErrors ? risenErrorKinds(input.errorKinds, policy.alpha) : undefined;
  if (risen) reasons.push({ rule: 'new_errors', values: { kinds: risen, alpha: policy.alpha } });
  // The interval is over the cases both sides scored: a case the candidate could no longer score at
  // all is outside it, and a candidate that fails on most cases would pass on the few it answered.
  if (policy.failOnNewErrors && input.lostCases) reasons.push(input.lostCases);
  // Whatever the policy: a candidate held to fewer checks passes more easily, and the interval
  // cannot tell that from an improvement.
  if (input.missingScorers) reasons.push(input.missingScorers);
  // Whatever the policy: the cases a candidate never ran are outside the interval, and the part
  // that ran (often the easy cases first) would pass for the whole.
  if (input.incompleteCandidate) reasons.push(input.incompleteCandidate);
  // The same for a complete candidate run over fewer cases (a selection, chaos left out).
  if (input.missingCases) reasons.push(input.missingCases);
  return reasons;
}

/**
 * The cost and p95 latency rules the policy sets but could not apply: a side with no figure, or a
 * cost of 0 (no price reported; its change would read −100% or nothing). Said as notes, so a pass
 * never reads as "cost checked" when it was not.
 */
function rulesNotChecked(operational: OperationalDeltas, policy: VerdictPolicyResolved): VerdictReason[] {
  const notes: VerdictReason[] = [];
  const cost = operational.costUsd;
  // A cost must be above 0 on both sides; a p95 is measured from a baseline above 0 (see delta()).
  const costLacking = lackingSide(!cost.baseline, !cost.candidate);
  if (policy.maxCostIncrease !== null && costLacking) {
    notes.push({ rule: 'rule_not_checked', values: { policy: 'maxCostIncrease', limit: policy.maxCostIncrease, baseline: cost.baseline, candidate: cost.candidate, lacking: costLacking } });
  }
  const p95 = operational.latencyP95Ms;
  const p95Lacking = lackingSide(p95.baseline === null || p95.baseline <= 0, p95.candidate === null);
  if (policy.maxP95LatencyIncrease !== null && p95Lacking) {
    notes.push({ rule: 'rule_not_checked', values: { policy: 'maxP95LatencyIncrease', limit: policy.maxP95LatencyIncrease, baseline: p95.baseline, candidate: p95.candidate, lacking: p95Lacking } });
  }
  return notes;
}

function lackingSide(baseline: boolean, candidate: boolean): 'baseline' | 'candidate' | 'both' | undefined {
  if (baseline && candidate) return 'both';
  if (baseline) return 'baseline';
  return candidate ? 'candidate' : undefined;
}

/** A rate (of scored golden samples) that rose by more than `limit`, in absolute terms; undefined when the rule is off or it did not. */
function rateIncrease(rate: Deltas, samples: { baseline: number; candidate: number }, limit: number | null): RateIncrease | undefined {
  if (limit === null || rate.baseline === null || rate.candidate === null) return undefined;
  const increase = rate.candidate - rate.baseline;
  return exceedsLimit(increase, limit) ? { baseline: rate.baseline, candidate: rate.candidate, increase, limit, samples } : undefined;
}

/**
 * Whether a change is over its limit. A change of exactly the limit is tolerated, whatever the
 * float rounding of the figures it is computed from: 1100 ms / 1000 ms − 1 is 0.10000000000000009,
 * which is no rise "by more than" 10% (and its reason would have read "+10.0000%, over +10%").
 */
function exceedsLimit(change: number, limit: number): boolean {
  return change > limit + 1e-12;
}

const ORDER: Verdict[] = ['pass', 'inconclusive', 'fail'];

/**
 * The worst verdict over cells: a pass needs every cell to pass (so a false pass stays at most
 * α/2 however many cells), a fail in any cell fails the whole (with k cells under no change, some
 * cell fails by chance with probability up to k·α/2: said in a `several_cells` note when that
 * exceeds α). `failing`: reasons of the whole that fail it whatever the cells say (baseline cells
 * the candidate never ran, a candidate with too many unscored samples), said first. Reasons: then
 * the first reason of each cell that carries the verdict (naming the cell), then `notes` (e.g. an
 * incomplete record).
 */
export function overallVerdict(cells: CellComparison[], notes: VerdictReason[], alpha: number, failing: VerdictReason[] = []): VerdictResult {
  if (cells.length === 0) return { verdict: 'inconclusive', reasons: [{ rule: 'no_cells', values: {} }, ...notes] };
  const cellsWorst = cells.reduce<Verdict>((acc, cell) => (ORDER.indexOf(cell.verdict.verdict) > ORDER.indexOf(acc) ? cell.verdict.verdict : acc), 'pass');
  const worst = failing.length ? 'fail' : cellsWorst;
  const carrying = cells.filter((cell) => cell.verdict.verdict === worst);
  const firsts = carrying.flatMap((cell) => (cell.verdict.reasons[0] ? [{ ...cell.verdict.reasons[0], cell: cell.label }] : []));
  // A run-wide note that decided a cell (an incomplete candidate record) is said once, as that reason.
  const rest = notes.filter((note) => !firsts.some((first) => first.values === note.values));
  // A cell whose baseline scored nothing decides the exit code (3) whatever the verdict: always named.
  const unscoredBaselines = cells.flatMap((cell) =>
    cell.verdict.reasons.filter((reason) => reason.rule === 'baseline_unscored' && !firsts.some((first) => first.values === reason.values)).map((reason) => ({ ...reason, cell: cell.label })),
  );
  const falseFailBound = Math.min(1, (cells.length * alpha) / 2);
  const several: VerdictReason[] = falseFailBound > alpha ? [{ rule: 'several_cells', values: { cells: cells.length, alpha, falseFailBound } }] : [];
  const result: VerdictResult = { verdict: worst, reasons: [...failing, ...firsts, ...unscoredBaselines, ...rest, ...several] };
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

/** The cell's baseline scored none of its cases (its `baseline_unscored` reason). */
export function cellBaselineUnscored(cell: Pick<CellComparison, 'verdict'>): boolean {
  return cell.verdict.reasons.some((reason) => reason.rule === 'baseline_unscored');
}

/** The candidate left more samples unscored than its maxErrorRate allows (the verdict's `too_many_unscored` reason for it). */
function candidateTooManyUnscored(verdict: Pick<VerdictResult, 'reasons'>): boolean {
  return verdict.reasons.some((reason) => reason.rule === 'too_many_unscored' && reason.values.side === 'candidate');
}

/**
 * A comparison's exit code: 3 when a cell's baseline scored none of its cases, or the candidate
 * left more samples unscored than its maxErrorRate allows — samples went unscored, as `promptgold
 * run` exits 3 for, and 3 wins over a fail's 1 — otherwise the verdict's.
 */
export function exitCodeForComparison(result: Pick<ComparisonResult, 'verdict' | 'cells'>, failOnInconclusive: boolean): number {
  if (result.cells.some(cellBaselineUnscored) || candidateTooManyUnscored(result.verdict)) return ExitCode.infrastructure;
  return exitCodeForVerdict(result.verdict.verdict, failOnInconclusive);
}
