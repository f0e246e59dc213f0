/**
 * Whether a run record holds all of its run: the one rule that run, merge, the report page, compare
 * (the incomplete-candidate rule) and `baseline save` (its refusal) apply.
 */
import { BATCH_MISSING, isResumableError } from '../providers/types.js';
import { plural } from '../text.js';

/** `no_summary`: the run did not finish; `missing_samples`: fewer sample lines than planned; `not_run`: samples recorded as never run (see isResumableError). */
export type RunIncompleteCause = 'no_summary' | 'missing_samples' | 'not_run';

export interface RunCounts {
  hasSummary: boolean;
  /** Sample lines read. */
  samples: number;
  /** The header's planned count. */
  planned: number;
  /** Samples recorded as never run (the budget reached, batch requests expired or canceled). */
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

/** Samples recorded as never run, by why: what `--resume` runs. */
export interface NotRunCounts {
  budget: number;
  batch: number;
  missing: number;
}

export function noNotRun(): NotRunCounts {
  return { budget: 0, batch: 0, missing: 0 };
}

/** Counts a recorded sample's error when it says the sample never ran (see isResumableError). */
export function countNotRun(counts: NotRunCounts, error: { kind: string; code?: string } | undefined): void {
  if (!isResumableError(error)) return;
  counts[error!.kind === 'budget' ? 'budget' : error!.code === BATCH_MISSING ? 'missing' : 'batch']++;
}

export function notRunTotal(counts: NotRunCounts): number {
  return counts.budget + counts.batch + counts.missing;
}

/** `8 samples skipped: budget reached; 2 batch requests expired or were canceled`. */
export function notRunReason(counts: NotRunCounts): string {
  const parts: string[] = [];
  if (counts.budget) parts.push(`${counts.budget} samples skipped: budget reached`);
  if (counts.batch) parts.push(`${counts.batch} batch requests expired or were canceled`);
  if (counts.missing) parts.push(`${plural(counts.missing, 'batch request')} came back without a result`);
  return parts.join('; ');
}
