/** The longest delay a Node timer keeps (2^31 − 1 ms, about 24.8 days): a longer one fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The bound, as an error about a setting above it says it. */
export const MAX_TIMER_TEXT = `at most ${MAX_TIMER_MS} ms (about 24.8 days), the longest timer Node keeps`;

/**
 * Throws a RangeError unless `ms` is a whole number of ms from 1 to MAX_TIMER_MS, for an option
 * (`name`) that is armed as one timer.
 */
export function checkTimerMs(name: string, ms: number): void {
  if (Number.isInteger(ms) && ms >= 1 && ms <= MAX_TIMER_MS) return;
  throw new RangeError(`${name} must be a whole number of ms from 1 to ${MAX_TIMER_MS} (about 24.8 days, the longest timer Node keeps), got ${ms}`);
}
