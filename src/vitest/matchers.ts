/**
 * The `expect` matchers, registered with `expect.extend` when `promptgold/vitest` is imported:
 * `toFuzzyMatch`, `toMatchSchema`, `toContainAll` and the async `toSatisfyRubric`.
 */
import { expect } from 'vitest';
import type { Scorer } from '../scoring/types.js';
import {
  checkContainAll,
  checkFuzzyMatch,
  checkMatchSchema,
  checkSatisfyRubric,
  type CheckResult,
  type FuzzyMatchOptions,
  type RubricMatchOptions,
  type SchemaLike,
} from './matcherChecks.js';

export interface PromptgoldMatchers<R = unknown> {
  /** Similarity to the expected text (or the best of several) is at least `threshold` (0.8). */
  toFuzzyMatch(expected: string | readonly string[], options?: FuzzyMatchOptions): R;
  /** The value (or the JSON found in a string) matches a zod schema or a JSON Schema. */
  toMatchSchema(schema: SchemaLike): R;
  /** A string contains every substring, or an array contains every item (deep equality). */
  toContainAll(items: readonly unknown[]): R;
  /** The text passes a rubric scorer; await it. */
  toSatisfyRubric(rubric: Scorer, options?: RubricMatchOptions): Promise<R>;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PromptgoldMatchers<T> {}
}

interface MatcherContext {
  isNot: boolean;
  /** The running test (vitest's matcher state), when the assertion is made inside one. */
  task?: { promises?: Array<Promise<unknown>> };
}

function asMatcherResult(this: MatcherContext, result: CheckResult) {
  // A check that could not be made fails under `.not` too: vitest inverts `pass` there.
  if (result.error !== undefined) return { pass: this.isNot, message: () => result.error! };
  return {
    pass: result.pass,
    message: () => (this.isNot ? result.negatedFailure : result.failure),
    ...(result.actual !== undefined ? { actual: result.actual, expected: result.expected } : {}),
  };
}

export const promptgoldMatchers = {
  toFuzzyMatch(this: MatcherContext, received: unknown, expected: string | readonly string[], options?: FuzzyMatchOptions) {
    return asMatcherResult.call(this, checkFuzzyMatch(received, expected, options));
  },
  toMatchSchema(this: MatcherContext, received: unknown, schema: SchemaLike) {
    return asMatcherResult.call(this, checkMatchSchema(received, schema));
  },
  toContainAll(this: MatcherContext, received: unknown, items: readonly unknown[]) {
    return asMatcherResult.call(this, checkContainAll(received, items));
  },
  toSatisfyRubric(this: MatcherContext, received: unknown, rubric: Scorer, options?: RubricMatchOptions) {
    const result = checkSatisfyRubric(received, rubric, options).then((check) => asMatcherResult.call(this, check));
    awaitAtTestEnd(this, result);
    return result;
  },
};

/**
 * A forgotten `await` on an async matcher: vitest does not track custom matchers' promises, so one
 * that fails after the test body returned (a judge that answers late) failed nothing, and the test
 * passed. As vitest does for `expect(…).resolves`, the outcome is put in the test's `promises`,
 * which the runner awaits when the body ends; it leaves the list as soon as it settles, so an
 * awaited assertion (settled before the body ends, its failure thrown or handled there) is not
 * counted twice.
 */
function awaitAtTestEnd(context: MatcherContext, result: Promise<{ pass: boolean; message: () => string }>): void {
  const task = context.task;
  if (!task) return;
  const isNot = context.isNot === true; // vitest leaves it undefined when not negated
  const outcome: Promise<void> = result
    .then((matched) => {
      if (matched.pass === isNot) throw new Error(`expect(…).toSatisfyRubric(…) was not awaited, and it fails: ${matched.message()}\nwrite await expect(…).toSatisfyRubric(…)`);
    })
    .finally(() => {
      const index = task.promises?.indexOf(outcome) ?? -1;
      if (index !== -1) task.promises!.splice(index, 1);
    });
  // Awaited, the assertion's own promise reports the failure: this copy must not be unhandled.
  outcome.catch(() => undefined);
  (task.promises ??= []).push(outcome);
}

let installed = false;

/** Register the matchers with vitest's `expect` (done on import of `promptgold/vitest`). */
export function installMatchers(): void {
  if (installed) return;
  installed = true;
  expect.extend(promptgoldMatchers);
  refuseAsymmetric('toSatisfyRubric');
}

/**
 * vitest makes every matcher an asymmetric one too (`expect.x(…)`, `expect.not.x(…)`), and calls it
 * synchronously, reading `pass` off its result. An async matcher returns a promise there, whose
 * `pass` is undefined: `expect.not.toSatisfyRubric(r)` would match any text, even one the rubric
 * passes or one no judge could score. So the asymmetric forms of an async matcher throw instead.
 */
function refuseAsymmetric(name: string): void {
  const refuse = () => {
    throw new TypeError(
      `${name} cannot be used as an asymmetric matcher (expect.${name}(…) or expect.not.${name}(…)): it is asynchronous, and vitest reads asymmetric matchers synchronously, so it could not tell a pass from a fail; use await expect(value).${name}(…) on the value itself`,
    );
  };
  const asymmetricObject = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[Symbol.for('asymmetric-matchers-object')];
  for (const target of [expect as unknown as Record<string, unknown>, expect.not as unknown as Record<string, unknown>, asymmetricObject]) {
    if (target && name in target) Object.defineProperty(target, name, { configurable: true, enumerable: true, writable: true, value: refuse });
  }
}
