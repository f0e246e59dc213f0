/** The prompt-caching delta of a comparison: present only when a side read or wrote the cache. */
import { describe, expect, it } from 'vitest';
import { CaseAccumulator, type ComparableSample } from '../../src/compare/caseReducer.js';
import { operationalDeltas, sideOperations } from '../../src/compare/operational.js';

function side(samples: Array<Partial<ComparableSample>>) {
  const accumulator = new CaseAccumulator({ caseId: 'c', version: 'v', model: 'm', repeat: 0, tags: [], promptHash: 'h', output: 'x', stopReason: 'end_turn', scores: [], score: 1, pass: true, costUsd: 0, latencyMs: 1 });
  samples.forEach((sample, repeat) =>
    accumulator.add({ caseId: 'c', version: 'v', model: 'm', repeat, tags: [], promptHash: 'h', output: 'x', stopReason: 'end_turn', scores: [], score: 1, pass: true, costUsd: 0.01, latencyMs: 100, ...sample }),
  );
  return sideOperations([accumulator]);
}

describe('operational deltas: prompt caching', () => {
  it('are left out when neither side used the prompt cache', () => {
    expect(operationalDeltas(side([{}, {}]), side([{}, {}]))).not.toHaveProperty('cache');
  });

  it('give the hit rate, tokens read and USD saved per billed sample on each side', () => {
    const baseline = side([{ usage: { inputTokens: 100, outputTokens: 10 } }, { usage: { inputTokens: 100, outputTokens: 10 } }]);
    const candidate = side([
      { usage: { inputTokens: 10, outputTokens: 10, cacheCreationInputTokens: 2000 }, cacheSavedUsd: -0.0005 },
      { usage: { inputTokens: 10, outputTokens: 10, cacheReadInputTokens: 2000 }, cacheSavedUsd: 0.0054 },
    ]);
    const { cache } = operationalDeltas(baseline, candidate);
    expect(cache).toEqual({
      hitRate: { baseline: null, candidate: 0.5, relative: null },
      readTokens: { baseline: 0, candidate: 1000, relative: null },
      savedUsd: { baseline: 0, candidate: expect.closeTo(0.00245, 10), relative: null },
    });
  });
});
