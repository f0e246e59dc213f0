import type { Sample, ScorerContext } from '../../src/scoring/types.js';
import { scorerSample } from '../helpers/builders.js';

export function makeSample(output: string, expected?: unknown, extra: Partial<Sample> = {}): Sample {
  const sample = scorerSample(output, extra);
  if (expected !== undefined) sample.expected = expected;
  return sample;
}

export const context: ScorerContext = { signal: new AbortController().signal };
