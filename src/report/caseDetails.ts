/**
 * What the compare reports show about single cases: which cases to list, the scorers that moved,
 * the reason a case failed and the outputs a diff shows. Shared by the console, Markdown and JUnit
 * reports.
 */
import { countedStatus } from '../compare/classify.js';
import { repeatDetailsOf } from '../compare/repeatDetails.js';
import type { CaseComparison, CaseSide, CellComparison } from '../compare/types.js';
import { isGoldenRefusal } from '../records/stops.js';
import { fixed, signedNumber } from './format.js';
import { REFUSED_GOLDEN_CASE } from './stops.js';

/** `2/3` passes of scored repeats. */
export function passesOf(side: CaseSide | undefined): string {
  return side ? `${side.passes}/${side.scored ?? side.repeats}` : '—';
}

/** Whether a case is listed as a regression: regressed, or error-changed with no better score. */
function isListedRegression(c: CaseComparison): boolean {
  const status = countedStatus(c);
  return status === 'regressed' || (status === 'error-changed' && (c.scoreDelta ?? -1) <= 0);
}

/** How many cases of a cell `topRegressions` would list with no limit (what "10 of 19" counts). */
export function regressionCount(cell: CellComparison): number {
  return cell.cases.filter(isListedRegression).length;
}

/** Regressed and error-changed cases (and removed ones last), worst score change first. */
export function topRegressions(cell: CellComparison, limit: number): CaseComparison[] {
  const rank = (c: CaseComparison) => (c.status === 'regressed' ? 0 : c.status === 'error-changed' ? 1 : 2);
  return cell.cases
    .filter(isListedRegression)
    .sort((a, b) => rank(a) - rank(b) || (a.scoreDelta ?? -1) - (b.scoreDelta ?? -1) || (a.caseId < b.caseId ? -1 : 1))
    .slice(0, limit);
}

/** The scorers that moved most for a case, worst first: `priority 1.000→0.000 (−1.00)`. */
export function scorerChanges(c: CaseComparison, limit = 3): string {
  const entries = Object.entries(c.scorerDeltas)
    .filter(([, d]) => Math.abs(d) >= 0.005)
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit);
  return entries
    .map(([name, d]) => `${name} ${fixed(c.baseline?.scorerMeans[name])}→${fixed(c.candidate?.scorerMeans[name])} (${signedNumber(d, 2)})`)
    .join(', ');
}

/**
 * The first failing reason of the candidate's first failing repeat, for "why": its error, its
 * refusal (a golden case fails on one whatever its scores), or its first failing scorer.
 */
export function failureReason(c: CaseComparison): string | undefined {
  const side = c.candidate;
  if (!side) return undefined;
  const { outputs, scores, stopReasons } = repeatDetailsOf(side);
  for (let i = 0; i < scores.length; i++) {
    if (side.errors.length && outputs[i] === null) return `error: ${side.errors[0]}`;
    if (isGoldenRefusal({ stopReason: stopReasons[i] ?? null, chaos: c.chaos })) return REFUSED_GOLDEN_CASE;
    const failed = scores[i]?.find((s) => !s.pass);
    if (failed) return `${failed.name}: ${failed.reason || 'failed'}`;
  }
  return undefined;
}

/** First non-null output of a side (the one a diff shows). */
export function firstOutput(side: CaseSide | undefined): string | null {
  return (side && repeatDetailsOf(side).outputs.find((o): o is string => o !== null)) ?? null;
}

/** For the candidate: the output of its first failing repeat, which is what explains a regression. */
export function failingOutput(side: CaseSide | undefined): string | null {
  if (!side) return null;
  const { outputs, scores } = repeatDetailsOf(side);
  for (let i = 0; i < outputs.length; i++) {
    const failed = scores[i]?.some((s) => !s.pass);
    if (failed && outputs[i] !== null) return outputs[i]!;
  }
  return firstOutput(side);
}
