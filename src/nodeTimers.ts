/** The longest delay a Node timer keeps (2^31 − 1 ms, about 24.8 days): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The rule for a delay armed as one timer, as every error about one words it. */
export const TIMER_MS_RULE = `a whole number of ms from 1 to ${MAX_TIMER_MS} (about 24.8 days, the longest timer Node keeps)`;

/** True when `value` follows TIMER_MS_RULE. */
export function isTimerMs(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_TIMER_MS;
}

/** Throws a RangeError unless `ms` follows TIMER_MS_RULE, for an option (`name`) that is armed as one timer. */
export function checkTimerMs(name: string, ms: number): void {
  if (isTimerMs(ms)) return;
  throw new RangeError(`${name} must be ${TIMER_MS_RULE}, got ${ms}`);
}
