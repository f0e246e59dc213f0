/** Parsing of CLI option values, with errors that name the flag. */
import { InputError } from '../errors.js';
import { TIMER_MS_RULE, isTimerMs } from '../nodeTimers.js';
import { SUITE_INTEGER_RANGES, type SuiteIntegerField } from '../suiteRanges.js';
import { andList } from '../text.js';

export function parseIntegerOption(value: string, flag: string, min = Number.MIN_SAFE_INTEGER): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new InputError(`expected a whole number${min > Number.MIN_SAFE_INTEGER ? ` ≥ ${min}` : ''}, got "${value}"`, { field: flag });
  }
  return parsed;
}

/** A flag that overrides a whole-number suite field (`--repeat` → `repeats`): the field's own range. */
export function parseSuiteFieldOption(value: string, flag: string, field: SuiteIntegerField): number {
  const { min, max } = SUITE_INTEGER_RANGES[field];
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new InputError(`expected a whole number from ${min} to ${max}, got "${value}"`, { field: flag }, `the range of the suite's \`${field}\` field, which ${flag} overrides`);
  }
  return parsed;
}

/** A delay in ms that becomes one timer: TIMER_MS_RULE (Node fires a longer one after 1 ms). */
export function parseTimerMsOption(value: string, flag: string): number {
  const parsed = Number(value);
  if (!isTimerMs(parsed)) {
    throw new InputError(`expected ${TIMER_MS_RULE}, got "${value}"`, { field: flag }, `e.g. ${flag} 120000 for two minutes`);
  }
  return parsed;
}

export function parseNumberOption(value: string, flag: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new InputError(`expected a non-negative number, got "${value}"`, { field: flag });
  return parsed;
}

/** Repeatable and comma-separated: `--model a --model b` and `--model a,b` are the same. */
export function parseListOption(values: string[] | undefined): string[] | undefined {
  if (!values?.length) return undefined;
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Flags that cannot apply here, refused rather than dropped unsaid: `table` lists them as
 * [option key, flag as written]; the error names those given (`--model and --repeat …`).
 */
export function refuseFlagsGiven<F>(table: ReadonlyArray<readonly [keyof F, string]>, flags: F, why: { cannot: string; field: string; fix: string }): void {
  const given = table.filter(([key]) => flags[key] !== undefined).map(([, flag]) => flag);
  if (given.length) throw new InputError(`${andList(given)} ${why.cannot}`, { field: why.field }, why.fix);
}
