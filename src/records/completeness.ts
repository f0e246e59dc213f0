/**
 * Whether a run record holds all of its run: the one rule that compare (the incomplete-candidate
 * rule) and `baseline save` (its refusal) apply.
 */

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
