/**
 * Combining scorers. Children always run through `runScorer`, so a throwing child (or one whose
 * judge call the budget did not send) becomes an errored child score and the parent decides what
 * that means:
 * - `all`: passes when every child passes; score is the minimum (the weakest child), so a high
 *   parent score never hides a poor child. Any errored child makes the parent errored.
 * - `any`: passes when some child passes; score is the maximum. Errored only when no child passes
 *   and at least one errored (an error cannot be a silent "no").
 * - `weighted`: score is the weighted mean, passing at or above `threshold` (default 0.5).
 *   Any errored child makes the parent errored.
 * Children run concurrently and each is waited for, so the judge calls of every child are counted;
 * their scores are kept, in declaration order, in `children`.
 */
import { InputError } from '../errors.js';
import { fixed2, fixedAgainst } from './text.js';
import { runScorer } from './types.js';
import type { Sample, Score, Scorer, ScorerContext } from './types.js';
import { optionNames, refuseUnknownOptions } from './options.js';

export interface CombinatorOptions {
  name?: string;
}

export interface WeightedEntry {
  scorer: Scorer;
  weight: number;
}

export interface WeightedOptions extends CombinatorOptions {
  /** Pass when the weighted mean is >= threshold. Default 0.5. */
  threshold?: number;
}

function requireChildren(kind: string, scorers: readonly unknown[]): void {
  if (scorers.length === 0) {
    throw new InputError(`${kind}() needs at least one scorer`, { field: 'scorers' });
  }
}

function runChildren(scorers: readonly Scorer[], sample: Sample, context: ScorerContext): Promise<Score[]> {
  return Promise.all(scorers.map((scorer) => runScorer(scorer, sample, context)));
}

function childList(scorers: readonly Scorer[]): string {
  return scorers.map((scorer) => scorer.name).join(', ');
}

function firstErrored(children: readonly Score[]): Score | undefined {
  return children.find((child) => child.error !== undefined);
}

function withError(score: Score, errored: Score | undefined): Score {
  if (errored) score.error = `${errored.name}: ${errored.error ?? 'errored'}`;
  return score;
}

const COMBINATOR_OPTIONS = optionNames<CombinatorOptions>({ name: true });
const WEIGHTED_OPTIONS = optionNames<WeightedOptions>({ name: true, threshold: true });

export function all(scorers: readonly Scorer[], options: CombinatorOptions = {}): Scorer {
  refuseUnknownOptions('all', options, COMBINATOR_OPTIONS);
  requireChildren('all', scorers);
  const name = options.name ?? `all(${childList(scorers)})`;
  return {
    name,
    children: scorers,
    async score(sample, context) {
      const children = await runChildren(scorers, sample, context);
      const failed = children.filter((child) => !child.pass);
      const score = Math.min(...children.map((child) => child.score));
      const firstFailed = failed[0];
      const reason = firstFailed
        ? `${children.length - failed.length} of ${children.length} passed; ${firstFailed.name} failed: ${firstFailed.reason}`
        : `all ${children.length} passed`;
      return withError({ name, score, pass: failed.length === 0, reason, children }, firstErrored(children));
    },
  };
}

export function any(scorers: readonly Scorer[], options: CombinatorOptions = {}): Scorer {
  refuseUnknownOptions('any', options, COMBINATOR_OPTIONS);
  requireChildren('any', scorers);
  const name = options.name ?? `any(${childList(scorers)})`;
  return {
    name,
    children: scorers,
    async score(sample, context) {
      const children = await runChildren(scorers, sample, context);
      const passed = children.filter((child) => child.pass);
      const score = Math.max(...children.map((child) => child.score));
      const firstPassed = passed[0];
      if (firstPassed) {
        const reason = `${passed.length} of ${children.length} passed; ${firstPassed.name}: ${firstPassed.reason}`;
        return { name, score, pass: true, reason, children };
      }
      const first = children[0];
      const reason = `none of ${children.length} passed; ${first?.name}: ${first?.reason}`;
      return withError({ name, score, pass: false, reason, children }, firstErrored(children));
    },
  };
}

export function weighted(entries: readonly WeightedEntry[], options: WeightedOptions = {}): Scorer {
  refuseUnknownOptions('weighted', options, WEIGHTED_OPTIONS);
  requireChildren('weighted', entries);
  entries.forEach((entry, index) => {
    if (!(Number.isFinite(entry.weight) && entry.weight > 0)) {
      throw new InputError(`weight must be a positive number, got ${entry.weight}`, { field: `weighted[${index}].weight` });
    }
  });
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new InputError(`threshold must be between 0 and 1, got ${threshold}`, { field: 'threshold' });
  }
  const scorers = entries.map((entry) => entry.scorer);
  const weights = entries.map((entry) => entry.weight);
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const name = options.name ?? `weighted(${childList(scorers)})`;

  return {
    name,
    children: scorers,
    async score(sample, context) {
      const children = await runChildren(scorers, sample, context);
      let sum = 0;
      const parts: string[] = [];
      children.forEach((child, index) => {
        const weight = weights[index] ?? 0;
        sum += child.score * weight;
        parts.push(`${child.name} ${fixed2(child.score)}×${weight}`);
      });
      const score = sum / totalWeight;
      const pass = score >= threshold;
      const reason = `weighted score ${fixedAgainst(score, threshold)} ${pass ? '>=' : '<'} ${fixed2(threshold)} (${parts.join(', ')})`;
      const errored = firstErrored(children);
      return withError({ name, score, pass: pass && !errored, reason, children }, errored);
    },
  };
}
