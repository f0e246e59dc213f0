import type { Sample, ScorerContext } from '../../src/scoring/types.js';

export function makeSample(output: string, expected?: unknown, extra: Partial<Sample> = {}): Sample {
  const sample: Sample = {
    caseId: 'case-1',
    vars: {},
    tags: [],
    output,
    generation: { text: output, stopReason: 'end_turn', latencyMs: 0 },
    request: { model: 'test-model', messages: [{ role: 'user', content: 'hi' }], maxTokens: 16 },
    promptId: 'p',
    promptVersion: '1',
    model: 'test-model',
    repeat: 0,
    ...extra,
  };
  if (expected !== undefined) sample.expected = expected;
  return sample;
}

export const context: ScorerContext = { signal: new AbortController().signal };
