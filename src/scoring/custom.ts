/**
 * A plain function as a scorer. The function may return a boolean (pass/fail → 1/0), a number
 * (0..1, passing at or above `threshold`, default 0.5 — the midpoint, so a function returning a
 * probability-like value passes when it leans yes), or a Score-like object; sync or async.
 * A throw is left to `runScorer`, which turns it into an errored score.
 */
import { InputError } from '../errors.js';
import { fixed2, fixedAgainst } from './text.js';
import type { Sample, Score, Scorer, ScorerContext } from './types.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface ScoreLike {
  score: number;
  pass?: boolean;
  reason?: string;
  details?: Record<string, unknown>;
  error?: string;
  children?: Score[];
}

export type CustomResult = number | boolean | ScoreLike;
export type CustomFunction = (sample: Sample, context: ScorerContext) => CustomResult | Promise<CustomResult>;

export interface CustomOptions {
  /** Numbers pass when >= threshold. Default 0.5. */
  threshold?: number;
}

const CUSTOM_OPTIONS = optionNames<CustomOptions>({ threshold: true });

export function custom(name: string, fn: CustomFunction, options: CustomOptions = {}): Scorer {
  refuseUnknownOptions(`custom scorer "${name}"`, options, CUSTOM_OPTIONS);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new InputError(`custom scorer "${name}": threshold must be between 0 and 1, got ${threshold}`, { field: 'threshold' });
  }
  const toScore = (result: CustomResult): Score => customResultToScore(name, result, threshold);

  return {
    name,
    score(sample, context) {
      const result = fn(sample, context);
      return isPromise(result) ? result.then(toScore) : toScore(result);
    },
  };
}

export function customResultToScore(name: string, result: CustomResult, threshold: number): Score {
  if (typeof result === 'boolean') {
    return { name, score: result ? 1 : 0, pass: result, reason: `${name} returned ${result}` };
  }
  if (typeof result === 'number') {
    if (Number.isNaN(result)) {
      const reason = `${name} returned NaN`;
      return { name, score: 0, pass: false, reason, error: reason };
    }
    const pass = result >= threshold;
    return { name, score: result, pass, reason: `${name} returned ${fixedAgainst(result, threshold)} ${pass ? '>=' : '<'} ${fixed2(threshold)}` };
  }
  if (result === null || typeof result !== 'object' || typeof result.score !== 'number') {
    throw new TypeError(`${name} must return a boolean, a number or { score, pass?, reason? }, got ${result === null ? 'null' : typeof result}`);
  }
  const pass = result.pass ?? result.score >= threshold;
  const score: Score = {
    name,
    score: result.score,
    pass,
    reason: result.reason ?? `${name} returned ${fixed2(result.score)} (${pass ? 'pass' : 'fail'})`,
  };
  if (result.details !== undefined) score.details = result.details;
  if (result.error !== undefined) score.error = result.error;
  if (result.children !== undefined) score.children = result.children;
  return score;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
