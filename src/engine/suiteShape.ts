/**
 * The shape of a suite definition. The zod schema gives the error messages; it is built on first
 * use, because building it takes start-up time (issue 17) and a suite that passes the plain check
 * below never needs it.
 */
import * as z from 'zod';
import { builtOnFirstUse } from '../builtOnFirstUse.js';
import { isTimerMs } from '../nodeTimers.js';
import { timerMsSchema } from '../timerMsSchema.js';
import { SUITE_INTEGER_RANGES } from '../suiteRanges.js';
import type { Suite } from '../suite.js';

/** Every field a suite may have; TypeScript keeps the list whole as the Suite type grows. */
const SUITE_FIELD_SET = {
  kind: true,
  name: true,
  description: true,
  prompt: true,
  versions: true,
  partials: true,
  models: true,
  dataset: true,
  select: true,
  scorers: true,
  repeats: true,
  threshold: true,
  maxErrorRate: true,
  concurrency: true,
  timeoutMs: true,
  scorerTimeoutMs: true,
  stream: true,
  provider: true,
  recordings: true,
  chaos: true,
  policy: true,
  seed: true,
} satisfies Record<keyof Suite, true>;

export const SUITE_FIELDS: readonly string[] = Object.keys(SUITE_FIELD_SET);

const SUITE_NAME = /^[A-Za-z0-9_.-]+$/;
const { repeats: REPEATS, concurrency: CONCURRENCY } = SUITE_INTEGER_RANGES;

export const suiteShape = builtOnFirstUse(() =>
  z.object({
    name: z.string().regex(SUITE_NAME, 'use letters, digits, dot, dash or underscore'),
    prompt: z.string().min(1),
    models: z.array(z.string().min(1)).min(1, 'list at least one model'),
    dataset: z.string().min(1),
    scorers: z.array(z.object({ name: z.string(), score: z.function() }, { message: 'expected a scorer such as fuzzy({ … })' })),
    repeats: z.number().int().min(REPEATS.min).max(REPEATS.max).optional(),
    threshold: z.number().min(0).max(1).optional(),
    maxErrorRate: z.number().min(0).max(1).optional(),
    concurrency: z.number().int().min(CONCURRENCY.min).max(CONCURRENCY.max).optional(),
    // Each is armed as a timer, and Node fires a longer one after 1 ms.
    timeoutMs: timerMsSchema().optional(),
    scorerTimeoutMs: timerMsSchema().optional(),
    versions: z.array(z.string()).optional(),
    seed: z.number().int().optional(),
    stream: z.boolean().optional(),
  }),
);

/**
 * True when the schema would accept the suite: the same rules, written out. False does not mean
 * the suite is wrong, only that the schema has to decide (and word the error).
 */
export function plainlyValidSuite(definition: object): boolean {
  const suite = definition as Record<string, unknown>;
  return (
    typeof suite.name === 'string' &&
    SUITE_NAME.test(suite.name) &&
    nonEmptyText(suite.prompt) &&
    nonEmptyText(suite.dataset) &&
    listOf(suite.models, nonEmptyText) &&
    (suite.models as unknown[]).length > 0 &&
    listOf(suite.scorers, (scorer) => typeof scorer === 'object' && scorer !== null && !Array.isArray(scorer) && typeof (scorer as { name?: unknown }).name === 'string' && typeof (scorer as { score?: unknown }).score === 'function') &&
    optional(suite.repeats, (value) => integerIn(value, REPEATS.min, REPEATS.max)) &&
    optional(suite.threshold, (value) => numberIn(value, 0, 1)) &&
    optional(suite.maxErrorRate, (value) => numberIn(value, 0, 1)) &&
    optional(suite.concurrency, (value) => integerIn(value, CONCURRENCY.min, CONCURRENCY.max)) &&
    optional(suite.timeoutMs, isTimerMs) &&
    optional(suite.scorerTimeoutMs, isTimerMs) &&
    optional(suite.versions, (value) => listOf(value, (item) => typeof item === 'string')) &&
    optional(suite.seed, (value) => Number.isSafeInteger(value)) &&
    optional(suite.stream, (value) => typeof value === 'boolean')
  );
}

function nonEmptyText(value: unknown): boolean {
  return typeof value === 'string' && value.length > 0;
}

/** An array whose every slot (holes included) passes. */
function listOf(value: unknown, each: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!each(value[i])) return false;
  return true;
}

function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function integerIn(value: unknown, min: number, max: number): boolean {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

function numberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && value >= min && value <= max;
}
