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
import type { CellComparison, PairedStatistics, OperationalDeltas, Verdict, VerdictPolicyResolved, VerdictResult } from './types.js';

export interface VerdictInput {
  stats: PairedStatistics;
  operational: OperationalDeltas;
  policy: VerdictPolicyResolved;
  /** Error kind → candidate samples with it, for kinds the baseline cell never had. */
  newErrors: Record<string, number>;
  repeatsNeeded: number | undefined;
  /** Notes that hold whatever the verdict (incomplete records, cases on one side only). */
  notes: string[];
}

export function decideVerdict(input: VerdictInput): VerdictResult {
  const { stats, policy } = input;
  const failures = [...regressionReasons(stats, policy), ...hardRuleReasons(input)];
  if (failures.length) return { verdict: 'fail', reasons: [...failures, ...input.notes] };
  if (stats.n === 0) return { verdict: 'inconclusive', reasons: ['no case has scored samples on both sides: nothing to compare', ...input.notes] };

  const improvement = improvementReason(stats, policy);
  if (improvement) return { verdict: 'pass', reasons: [improvement, ...input.notes] };

  const summary = noChangeSummary(stats, policy);
  if (stats.minimumDetectableEffect > policy.maxPassRateDrop) {
    const needed: NonNullable<VerdictResult['needed']> = {};
    if (stats.casesNeededForPolicyEffect !== null) needed.cases = stats.casesNeededForPolicyEffect;
    if (input.repeatsNeeded !== undefined) needed.repeats = input.repeatsNeeded;
    return {
      verdict: 'inconclusive',
      reasons: [`${summary}, but this comparison can only detect changes of ${pts(stats.minimumDetectableEffect)} or more (MDE at n = ${stats.n}), larger than the ${pts(policy.maxPassRateDrop)} tolerance`, settleSentence(needed), ...input.notes],
      needed,
    };
  }
  return { verdict: 'pass', reasons: [`${summary}; changes of ${pts(stats.minimumDetectableEffect)} or more would have been detected (MDE ≤ ${pts(policy.maxPassRateDrop)} tolerance)`, ...input.notes] };
}

function regressionReasons(stats: PairedStatistics, policy: VerdictPolicyResolved): string[] {
  const reasons: string[] = [];
  const { mcnemar } = stats;
  const passRateDiff = stats.clusteredPassRateDiff ?? stats.passRateDiff;
  const robust = stats.clusteredPassRateDiff ? ` (cluster-robust, ${stats.clusteredPassRateDiff.clusters} clusters)` : '';
  const drop = -passRateDiff.estimate;
  if (stats.clusteredPassRateDiff) {
    if (passRateDiff.high < 0 && drop > policy.maxPassRateDrop) {
      reasons.push(
        `pass rate fell ${pts(drop)} (${pct(stats.baselinePassRate.estimate)} → ${pct(stats.candidatePassRate.estimate)}), ${ciLevel(policy)} CI ${signedPts(passRateDiff.low)} to ${signedPts(passRateDiff.high)}${robust}, beyond the ${pts(policy.maxPassRateDrop)} tolerance`,
      );
    }
  } else if (mcnemar.pExact < policy.alpha && mcnemar.regressed > mcnemar.improved && drop > policy.maxPassRateDrop) {
    reasons.push(
      `pass rate fell ${pts(drop)} (${pct(stats.baselinePassRate.estimate)} → ${pct(stats.candidatePassRate.estimate)}): ${mcnemar.regressed} cases regressed, ${mcnemar.improved} improved, McNemar exact p ${pValueWithOperator(mcnemar.pExact)} < ${policy.alpha}, beyond the ${pts(policy.maxPassRateDrop)} tolerance`,
    );
  }
  if (!reasons.length && passRateDiff.high < -policy.maxPassRateDrop) {
    reasons.push(`the pass-rate difference ${signedPts(passRateDiff.estimate)} has its whole ${ciLevel(policy)} CI (${signedPts(passRateDiff.low)} to ${signedPts(passRateDiff.high)}) below −${pts(policy.maxPassRateDrop)}${robust}`);
  }
  const score = stats.clusteredScoreDiff ?? stats.scoreDiff;
  if (score.high < -policy.maxPassRateDrop) {
    reasons.push(
      `mean score fell ${signed(score.estimate)} with its whole ${ciLevel(policy)} CI (${signed(score.low)} to ${signed(score.high)}) below −${policy.maxPassRateDrop}${stats.clusteredScoreDiff ? ' (cluster-robust)' : ''}`,
    );
  }
  return reasons;
}

function hardRuleReasons(input: VerdictInput): string[] {
  const { operational, policy } = input;
  const reasons: string[] = [];
  const cost = operational.costUsd.relative;
  if (policy.maxCostIncrease !== null && cost !== null && cost > policy.maxCostIncrease) {
    reasons.push(`cost per sample up ${signedPct(cost)} ($${usd(operational.costUsd.baseline)} → $${usd(operational.costUsd.candidate)}), over maxCostIncrease ${signedPct(policy.maxCostIncrease)}`);
  }
  const p95 = operational.latencyP95Ms.relative;
  if (policy.maxP95LatencyIncrease !== null && p95 !== null && p95 > policy.maxP95LatencyIncrease) {
    reasons.push(`p95 latency up ${signedPct(p95)} (${ms(operational.latencyP95Ms.baseline)} → ${ms(operational.latencyP95Ms.candidate)}), over maxP95LatencyIncrease ${signedPct(policy.maxP95LatencyIncrease)}`);
  }
  const kinds = Object.keys(input.newErrors).sort();
  if (policy.failOnNewErrors && kinds.length) {
    reasons.push(`new error kinds in the candidate: ${kinds.map((k) => `${k} (${input.newErrors[k]} samples)`).join(', ')}`);
  }
  return reasons;
}

function improvementReason(stats: PairedStatistics, policy: VerdictPolicyResolved): string | undefined {
  const { mcnemar, scoreDiff } = stats;
  const passRateDiff = stats.clusteredPassRateDiff ?? stats.passRateDiff;
  if (!stats.clusteredPassRateDiff && mcnemar.pExact < policy.alpha && mcnemar.improved > mcnemar.regressed) {
    return `significant improvement: pass rate ${signedPts(passRateDiff.estimate)} (${pct(stats.baselinePassRate.estimate)} → ${pct(stats.candidatePassRate.estimate)}), ${mcnemar.improved} cases improved, ${mcnemar.regressed} regressed, McNemar exact p ${pValueWithOperator(mcnemar.pExact)}`;
  }
  if (passRateDiff.low > 0) {
    const robust = stats.clusteredPassRateDiff ? ` (cluster-robust, ${stats.clusteredPassRateDiff.clusters} clusters)` : '';
    return `significant improvement: pass rate ${signedPts(passRateDiff.estimate)}, ${ciLevel(policy)} CI ${signedPts(passRateDiff.low)} to ${signedPts(passRateDiff.high)}${robust}`;
  }
  const score = stats.clusteredScoreDiff ?? scoreDiff;
  if (score.low > 0) return `significant improvement: mean score ${signed(score.estimate)}, ${ciLevel(policy)} CI ${signed(score.low)} to ${signed(score.high)}`;
  return undefined;
}

function noChangeSummary(stats: PairedStatistics, policy: VerdictPolicyResolved): string {
  const d = stats.passRateDiff;
  const ci = Number.isNaN(d.low) ? '' : `, ${ciLevel(policy)} CI ${signedPts(d.low)} to ${signedPts(d.high)}`;
  return `no significant change (pass rate ${signedPts(d.estimate)}${ci}; McNemar exact p ${pValueWithOperator(stats.mcnemar.pExact)})`;
}

function settleSentence(needed: { cases?: number; repeats?: number }): string {
  const options: string[] = [];
  if (needed.cases !== undefined) options.push(`about ${needed.cases.toLocaleString('en-US')} cases at the current repeats`);
  if (needed.repeats !== undefined) options.push(`${needed.repeats} repeats per case with the current cases`);
  const sentence = `to settle it: ${options.join(', or ') || 'more cases'}`;
  return needed.repeats === undefined ? `${sentence} (more repeats alone would not do it: the cases differ too much from each other)` : sentence;
}

const ORDER: Verdict[] = ['pass', 'inconclusive', 'fail'];

/** The worst verdict over cells; the first reason of each cell that carries it, then `notes` (e.g. an incomplete record). */
export function overallVerdict(cells: CellComparison[], notes: string[]): VerdictResult {
  if (cells.length === 0) return { verdict: 'inconclusive', reasons: ['no cells to compare', ...notes] };
  const worst = cells.reduce<Verdict>((acc, cell) => (ORDER.indexOf(cell.verdict.verdict) > ORDER.indexOf(acc) ? cell.verdict.verdict : acc), 'pass');
  const carrying = cells.filter((cell) => cell.verdict.verdict === worst);
  const reasons = [...carrying.map((cell) => `${cell.label}: ${cell.verdict.reasons[0] ?? worst}`), ...notes];
  const result: VerdictResult = { verdict: worst, reasons };
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

function ciLevel(policy: VerdictPolicyResolved): string {
  return `${Math.round((1 - policy.alpha) * 1000) / 10}%`;
}

export function pts(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)} pts` : '∞';
}

function signedPts(x: number): string {
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${pts(Math.abs(x))}`;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function signedPct(x: number): string {
  return `${x >= 0 ? '+' : '−'}${(Math.abs(x) * 100).toFixed(0)}%`;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;
}

/** `= 0.047` or `< 0.0001`, to follow "p" in a sentence. */
function pValueWithOperator(p: number): string {
  const text = pValue(p);
  return text.startsWith('<') ? text.replace('<', '< ') : `= ${text}`;
}

export function pValue(p: number): string {
  if (Number.isNaN(p)) return 'n/a';
  return p < 0.0001 ? '<0.0001' : p.toFixed(p < 0.01 ? 4 : 3);
}

function usd(x: number | null): string {
  return x === null ? '—' : x.toFixed(6);
}

function ms(x: number | null): string {
  return x === null ? '—' : `${Math.round(x)} ms`;
}
