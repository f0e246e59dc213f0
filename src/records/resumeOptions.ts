/**
 * The run options a resumed record must share with the suite as loaded now. A resume keeps the
 * record's header byte for byte and its finished samples as they were scored; the plan hash and the
 * dataset hash cover what was asked and of which cases, but not how answers are judged. These do:
 * the suite's scorers (their names) decide the kept samples' scores, and its threshold and
 * maxErrorRate decide the verdict that the header states and every later reader recomputes.
 * Anything else (timeouts, concurrency, streaming) changes how samples are fetched, not what they mean.
 */
import { stableStringify } from '../canonical.js';

export interface ResumeOptionChange {
  /** The header's `options` field. */
  field: 'scorers' | 'threshold' | 'maxErrorRate';
  before: unknown;
  after: unknown;
}

/** The header options that decide how a record's samples are judged: what resume and merge require to be the same. */
export const JUDGING_FIELDS: ReadonlyArray<ResumeOptionChange['field']> = ['scorers', 'threshold', 'maxErrorRate'];

/**
 * The first judging option that differs between the record's header and the suite now, if any. A
 * field the earlier header lacks (a record from before it was written) is not compared.
 */
export function judgingOptionChange(recorded: Record<string, unknown>, now: Record<string, unknown>): ResumeOptionChange | undefined {
  for (const field of JUDGING_FIELDS) {
    if (!Object.hasOwn(recorded, field)) continue;
    const before = recorded[field];
    const after = now[field];
    if (stableStringify(before ?? null) !== stableStringify(after ?? null)) return { field, before, after };
  }
  return undefined;
}

/** The refusal's message and its fix, from the change that decided it. */
export function judgingOptionRefusal(change: ResumeOptionChange): { message: string; fix: string } {
  const shown = `${describeOptionValue(change.before)} → ${describeOptionValue(change.after)}`;
  if (change.field === 'scorers') {
    return {
      message: `the suite's scorers changed since this run started (${shown}): its finished samples were scored by the scorers as they were, and would be mixed with samples scored by the new ones`,
      fix: "start a new run, or restore the suite's scorers as they were",
    };
  }
  const flag = change.field === 'threshold' ? "the suite's threshold" : `--max-error-rate ${describeOptionValue(change.before)} (or the suite's maxErrorRate)`;
  return {
    message: `the run's ${change.field} changed since this run started (${shown}): the record states the one it started with, and its verdict would be decided by another`,
    fix: `resume with ${flag} as the run started, or start a new run`,
  };
}

/** A header option as a person reads it: `none`, `[exact, contains]`, `0.9`. */
export function describeOptionValue(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (Array.isArray(value)) return `[${value.map((item) => String(item)).join(', ')}]`;
  return typeof value === 'string' ? value : stableStringify(value);
}
