/**
 * Per-case status. A side's outcome for a case is its majority over scored repeats: pass when at
 * least half of them passed. In order of precedence:
 *   new / removed   the case exists on one side only;
 *   error-changed   the set of error kinds differs (e.g. none → timeout, refusal → none);
 *   regressed       outcome pass → fail;      improved  fail → pass;
 *   flaky           same outcome, but some repeats disagree on at least one side;
 *   unchanged-pass / unchanged-fail   every repeat on both sides agrees.
 */
import { isNotScoredKind } from '../records/errorKinds.js';
import type { CaseComparison, CaseSide, CaseStatus } from './types.js';

export const CASE_STATUSES: readonly CaseStatus[] = [
  'regressed',
  'improved',
  'unchanged-pass',
  'unchanged-fail',
  'flaky',
  'new',
  'removed',
  'error-changed',
];

/** Majority outcome over scored repeats; undefined when no repeat was scored (all infrastructure errors). */
export function caseOutcome(side: CaseSide): boolean | undefined {
  return Number.isNaN(side.passFraction) ? undefined : side.passFraction >= 0.5;
}

export function isMixed(side: CaseSide): boolean {
  return side.passFraction > 0 && side.passFraction < 1;
}

export function errorKinds(side: CaseSide | undefined): string[] {
  return side ? [...new Set(side.errors)].sort() : [];
}

export function classifyCase(baseline: CaseSide | undefined, candidate: CaseSide | undefined): CaseStatus {
  if (!baseline) return 'new';
  if (!candidate) return 'removed';
  const someErrors = baseline.errors.length > 0 || candidate.errors.length > 0;
  if (someErrors && errorKinds(baseline).join(',') !== errorKinds(candidate).join(',')) return 'error-changed';
  const before = caseOutcome(baseline);
  const after = caseOutcome(candidate);
  if (before === undefined || after === undefined) return 'error-changed';
  if (before && !after) return 'regressed';
  if (!before && after) return 'improved';
  if (isMixed(baseline) || isMixed(candidate)) return 'flaky';
  return before ? 'unchanged-pass' : 'unchanged-fail';
}

export function emptyCounts(): Record<CaseStatus, number> {
  return Object.fromEntries(CASE_STATUSES.map((status) => [status, 0])) as Record<CaseStatus, number>;
}

/**
 * A chaos case that a side did not exercise (see compareRuns' ChaosLeftOut): it stays in the case
 * list, and is left out of the statistics, the status counts and every list of regressions.
 */
export function leftOutOfStatistics(c: Pick<CaseComparison, 'chaos'>): boolean {
  return c.chaos?.notExercised !== undefined;
}

/**
 * The status a case counts as: in the status counts, the report's flags and filters, the lists of
 * regressions and the JUnit failures. Undefined for a case left out of the statistics, which keeps
 * its status for display only. Every consumer reads this, so they cannot disagree.
 */
export function countedStatus(c: Pick<CaseComparison, 'status' | 'chaos'>): CaseStatus | undefined {
  return leftOutOfStatistics(c) ? undefined : c.status;
}

/** Repeats of one side of a case that were not scored (the provider, a scorer or a judge failed); 0 for a side without the case. */
export function notScoredCount(side: CaseSide | undefined): number {
  return side?.errors.filter(isNotScoredKind).length ?? 0;
}

/** Candidate repeats of the case that were not scored. */
export function candidateNotScored(c: Pick<CaseComparison, 'candidate'>): number {
  return notScoredCount(c.candidate);
}

/**
 * Whether a compared case is errored: a candidate repeat was not scored (the JUnit's <error>), or
 * the case counts as error-changed (the JUnit's error-changed <failure>); in a cell whose verdict
 * passes, the JUnit names both in the case's <system-out> instead. The HTML report's errored flag
 * reads this too, so the page and the JUnit agree on which cases errored.
 */
export function isErroredCase(c: Pick<CaseComparison, 'candidate' | 'status' | 'chaos'>): boolean {
  return candidateNotScored(c) > 0 || countedStatus(c) === 'error-changed';
}
