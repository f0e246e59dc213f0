/**
 * Whether a run record holds all of its run: the one rule that run, merge, the report page, compare
 * (the incomplete-candidate rule) and `baseline save` (its refusal) apply.
 */
import { BATCH_MISSING, isResumableError } from '../providers/types.js';
import { plural } from '../text.js';
import { BUDGET_SKIP, hasAnswer } from './errorKinds.js';

/** `no_summary`: the run did not finish; `missing_samples`: fewer sample lines than planned; `not_run`: samples recorded as not finished, which `--resume` runs (see isResumableError). */
export type RunIncompleteCause = 'no_summary' | 'missing_samples' | 'not_run';

export interface RunCounts {
  hasSummary: boolean;
  /** Sample lines read. */
  samples: number;
  /** The header's planned count. */
  planned: number;
  /** Samples recorded as not finished (budget skips, batch requests expired or canceled): see NotRunCounts. */
  notRun: number;
}

/** Why the record is incomplete, or undefined when it is complete. */
export function runIncompleteCause(run: RunCounts): RunIncompleteCause | undefined {
  if (!run.hasSummary) return 'no_summary';
  if (run.samples < run.planned) return 'missing_samples';
  // A run stopped by its budget, or whose batch requests expired, has a line for every sample and a summary.
  if (run.notRun > 0) return 'not_run';
  return undefined;
}

/**
 * Samples recorded as not finished, by why: what `--resume` runs. A budget skip is either never
 * sent (`budget`) or answered but not judged (`unjudged`: the budget was spent before a judge
 * scorer's judgements could be sent); the record says which (see hasAnswer).
 */
export interface NotRunCounts {
  budget: number;
  unjudged: number;
  batch: number;
  missing: number;
}

export function noNotRun(): NotRunCounts {
  return { budget: 0, unjudged: 0, batch: 0, missing: 0 };
}

/** Counts a recorded sample whose error says it did not finish (see isResumableError). */
export function countNotRun(counts: NotRunCounts, sample: { error?: { kind: string; code?: string } | undefined; output: string | null }): void {
  const error = sample.error;
  if (!error || !isResumableError(error)) return;
  if (error.kind === BUDGET_SKIP) counts[hasAnswer(sample) ? 'unjudged' : 'budget']++;
  else counts[error.code === BATCH_MISSING ? 'missing' : 'batch']++;
}

export function notRunTotal(counts: NotRunCounts): number {
  return counts.budget + counts.unjudged + counts.batch + counts.missing;
}

/** `8 samples skipped: budget reached; 1 sample answered but not judged: budget reached; 2 batch requests expired or were canceled`. */
export function notRunReason(counts: NotRunCounts): string {
  const parts: string[] = [];
  if (counts.budget) parts.push(`${plural(counts.budget, 'sample')} skipped: budget reached`);
  if (counts.unjudged) parts.push(`${plural(counts.unjudged, 'sample')} answered but not judged: budget reached`);
  if (counts.batch) parts.push(`${plural(counts.batch, 'batch request')} expired or ${counts.batch === 1 ? 'was' : 'were'} canceled`);
  if (counts.missing) parts.push(`${plural(counts.missing, 'batch request')} came back without a result`);
  return parts.join('; ');
}

/**
 * `3 of 10 planned samples did not finish (2 samples skipped: budget reached; 1 sample answered but
 * not judged: budget reached)`: the not-run cause of an incomplete record, as every reader says it.
 * `show` formats the numbers of samples (the reports group thousands).
 */
export function notFinishedText(counts: NotRunCounts, planned: number, show: (n: number) => string = String): string {
  return `${show(notRunTotal(counts))} of ${show(planned)} planned samples did not finish (${notRunReason(counts)})`;
}
