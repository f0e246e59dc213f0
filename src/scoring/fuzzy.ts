/**
 * Fuzzy similarity against the expected answer (or the best of several acceptable answers),
 * passing at or above a threshold.
 */
import { InputError } from '../errors.js';
import { similarityMeasures, textNormalizer } from './similarity.js';
import type { NormalizeOptions, SimilarityMethod } from './similarity.js';
import { asText, fixed2, fixedAgainst } from './text.js';
import type { Scorer } from './types.js';
import { defaultName, expectedReader, outputReader, unreadableScore } from './value-source.js';
import type { ExpectedOptions, FieldOption } from './value-source.js';
import { optionNames, refuseUnknownNormalize, refuseUnknownOptions } from './options.js';

export interface FuzzyOptions extends FieldOption, ExpectedOptions {
  name?: string;
  /** Default `dice`. */
  method?: SimilarityMethod;
  /** Pass when similarity >= threshold. Default 0.8. */
  threshold?: number;
  normalize?: NormalizeOptions;
}

const METHODS = Object.keys(similarityMeasures) as SimilarityMethod[];

const FUZZY_OPTIONS = optionNames<FuzzyOptions>({ name: true, field: true, expected: true, expectedField: true, method: true, threshold: true, normalize: true });

export function fuzzy(options: FuzzyOptions = {}): Scorer {
  refuseUnknownOptions('fuzzy', options, FUZZY_OPTIONS);
  refuseUnknownNormalize('fuzzy', options.normalize);
  const method = options.method ?? 'dice';
  const similarity = similarityMeasures[method];
  if (!similarity) {
    throw new InputError(`unknown fuzzy method "${String(method)}"`, { field: 'method' }, `use one of: ${METHODS.join(', ')}`);
  }
  const threshold = options.threshold ?? 0.8;
  if (!(threshold >= 0 && threshold <= 1)) {
    throw new InputError(`threshold must be between 0 and 1, got ${threshold}`, { field: 'threshold' });
  }
  const name = options.name ?? defaultName(`fuzzy:${method}`, options.field);
  const normalize = textNormalizer(options.normalize);
  const actualSide = outputReader(options.field);
  const expectedSide = expectedReader(options);

  return {
    name,
    score(sample) {
      const actual = actualSide.read(sample);
      if (!actual.ok) return unreadableScore(name, actual);
      const expected = expectedSide.read(sample);
      if (!expected.ok) return unreadableScore(name, expected);

      const text = normalize(asText(actual.value));
      const candidates: unknown[] = Array.isArray(expected.value) ? expected.value : [expected.value];
      if (candidates.length === 0) {
        const reason = `${expectedSide.label} is an empty list of acceptable answers`;
        return { name, score: 0, pass: false, reason, error: reason };
      }
      let best = -1;
      let bestIndex = 0;
      let bestPieces = 1;
      for (let i = 0; i < candidates.length; i++) {
        const measured = similarity(text, normalize(asText(candidates[i])));
        if (measured.value > best) {
          best = measured.value;
          bestIndex = i;
          bestPieces = measured.pieces;
        }
      }

      const pass = best >= threshold;
      const comparison = pass ? '>=' : '<';
      const target = Array.isArray(expected.value)
        ? `${expectedSide.label}[${bestIndex}] (best of ${candidates.length})`
        : expectedSide.label;
      let reason = `${actualSide.label} ${method} similarity ${fixedAgainst(best, threshold)} ${comparison} ${fixed2(threshold)} to ${target}`;
      const details: Record<string, unknown> = { method, similarity: best, threshold, bestIndex };
      if (bestPieces > 1) {
        // Long texts: a lower bound computed piecewise (see similarity.ts), and the reason says so.
        reason += ` (bounded: texts this long are compared in ${bestPieces} aligned pieces, so this is a lower bound of the exact similarity)`;
        details.boundedPieces = bestPieces;
      }
      return { name, score: best, pass, reason, details };
    },
  };
}
