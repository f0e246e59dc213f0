/** The zod form of TIMER_MS_RULE, for the config's and the suite's schemas (apart so nodeTimers.ts stays free of zod). */
import * as z from 'zod';
import { TIMER_MS_RULE, isTimerMs } from './nodeTimers.js';

/** A delay in ms that becomes a Node timer: a longer one than MAX_TIMER_MS would fire after 1 ms. */
export function timerMsSchema(): z.ZodType<number> {
  return z.number().refine(isTimerMs, `expected ${TIMER_MS_RULE}`);
}
