/**
 * The comparison's faster computations give the same numbers, to the last bit, as the plain
 * computations they replaced (kept here as the reference).
 */
import { describe, expect, it } from 'vitest';
import { CaseAccumulator } from '../../src/compare/caseReducer.js';
import { sideOperations } from '../../src/compare/operational.js';
import { RepeatTable } from '../../src/compare/repeatTable.js';
import { sideCurves } from '../../src/compare/statistics.js';
import type { CaseSide } from '../../src/compare/types.js';
import { passAtK, passHatK } from '../../src/stats/index.js';

/** A small deterministic generator, so the cases vary but every run sees the same ones. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function caseSide(passes: number, repeats: number, scored?: number): CaseSide {
  const n = scored ?? repeats;
  return {
    repeats,
    ...(scored === undefined ? {} : { scored }),
    passes,
    passFraction: passes / n,
    meanScore: passes / n,
    scorerMeans: {},
    errors: [],
    promptHash: 'h',
    costUsd: 0,
    meanLatencyMs: null,
    tokens: { input: 0, output: 0 },
  };
}

describe('sideCurves', () => {
  it('averages pass@k and pass^k over the cases exactly as a sum in case order does', () => {
    const random = generator(7);
    const sides: CaseSide[] = [];
    for (let i = 0; i < 3000; i++) {
      const repeats = 5 + Math.floor(random() * 4);
      const scored = random() < 0.2 ? repeats - 1 : undefined;
      sides.push(caseSide(Math.floor(random() * ((scored ?? repeats) + 1)), repeats, scored));
    }
    const maxK = 4;
    const curves = sideCurves(sides, maxK);
    for (let k = 1; k <= maxK; k++) {
      const average = (estimator: typeof passAtK) => sides.reduce((total, s) => total + estimator(s.passes, s.scored ?? s.repeats, k), 0) / sides.length;
      expect(Object.is(curves.passAtK[k - 1], average(passAtK))).toBe(true);
      expect(Object.is(curves.passHatK[k - 1], average(passHatK))).toBe(true);
    }
    expect(curves.passAtK).toHaveLength(maxK);
  });

  it('still rejects a case with more passes than scored repeats', () => {
    expect(() => sideCurves([caseSide(1, 2), caseSide(3, 2)], 1)).toThrow(/exceeds/);
  });
});

describe('sideOperations', () => {
  it('adds each case\'s sums in case order and lists the latencies case by case, as the accumulators give them', () => {
    const random = generator(11);
    const table = new RepeatTable(1);
    const cases: CaseAccumulator[] = [];
    for (let c = 0; c < 60; c++) {
      const base = { caseId: `c${c}`, version: 'v', model: 'm', tags: [], promptHash: 'h', output: 'x', stopReason: 'end_turn', scores: [], score: 1, pass: true };
      const accumulator = new CaseAccumulator({ ...base, repeat: 0, costUsd: 0, latencyMs: 1 }, false, table);
      for (let repeat = 0; repeat < 1 + Math.floor(random() * 4); repeat++) {
        const reads = random() < 0.3 ? Math.floor(random() * 900) : 0;
        accumulator.add({
          ...base,
          repeat,
          costUsd: random() * 0.01,
          latencyMs: random() < 0.1 ? null : Math.round(random() * 2000) + random(),
          usage: { inputTokens: Math.floor(random() * 300), outputTokens: Math.floor(random() * 50), cacheReadInputTokens: reads },
          cacheSavedUsd: reads ? random() * 0.001 : 0,
          ...(random() < 0.1 ? { cached: true } : {}),
          ...(random() < 0.2 ? { stopReason: 'max_tokens' } : {}),
        });
      }
      cases.push(accumulator);
    }
    const totals = sideOperations(cases);
    const plain = (read: (c: CaseAccumulator) => number) => cases.reduce((total, c) => total + read(c), 0);
    expect(totals.billedSamples).toBe(plain((c) => c.billedSamples));
    expect(Object.is(totals.costUsd, plain((c) => c.costUsd))).toBe(true);
    expect(totals.inputTokens).toBe(plain((c) => c.inputTokens));
    expect(totals.outputTokens).toBe(plain((c) => c.outputTokens));
    expect(totals.judgeCostUsd).toBe(plain((c) => c.judgeCostUsd));
    expect(totals.promptCache).toStrictEqual({
      samples: plain((c) => c.promptCache.samples),
      hits: plain((c) => c.promptCache.hits),
      readTokens: plain((c) => c.promptCache.readTokens),
      savedUsd: plain((c) => c.promptCache.savedUsd),
    });
    expect(totals.stops).toStrictEqual({
      scored: plain((c) => c.stops.scored),
      refusals: plain((c) => c.stops.refusals),
      maxTokens: plain((c) => c.stops.maxTokens),
      contextWindow: plain((c) => c.stops.contextWindow),
    });
    expect(totals.stops.maxTokens).toBeGreaterThan(0);
    expect(Array.from(totals.latencies)).toStrictEqual(cases.flatMap((c) => c.latencies));
  });
});
