/**
 * The comparison's faster computations give the same numbers, to the last bit, as the plain
 * computations they replaced (kept here as the reference).
 */
import { describe, expect, it } from 'vitest';
import { CaseAccumulator } from '../../src/compare/caseReducer.js';
import { sideOperations } from '../../src/compare/operational.js';
import { RepeatTable } from '../../src/compare/repeatTable.js';
import { DEFAULT_POLICY } from '../../src/compare/policy.js';
import { passDifferenceUnits, repeatsNeeded, RANDOMIZATION_RESAMPLES, sideCurves, sliceStatistics, type PairedCase } from '../../src/compare/statistics.js';
import type { CaseSide, SliceStatistics, VerdictPolicyResolved } from '../../src/compare/types.js';
import { boundedScoreInterval, groupUnits, holm, pairedInterval, passAtK, passHatK, signFlipInterval, smallestAttainablePValue, unitTotals } from '../../src/stats/index.js';

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

/** Paired cases with tags, scorer deltas (one of them −0) and, when `chaos`, variants clustered with their golden case. */
function pairedSample(seed: number, chaos: boolean): PairedCase[] {
  const random = generator(seed);
  const paired: PairedCase[] = [];
  for (let i = 0; i < 400; i++) {
    const side = (meanScore: number): CaseSide => ({ ...caseSide(Math.floor(random() * 4), 3), meanScore });
    const baseline = side(random());
    const candidate = side(random() < 0.2 ? baseline.meanScore : random());
    const golden = chaos && i % 3 !== 0 ? `c${i - (i % 3)}` : `c${i}`;
    const tags = [['b:x'], ['a'], ['a', 'b:x', 'a'], []][i % 4]!;
    paired.push({
      comparison: {
        caseId: `c${i}`,
        tags,
        cluster: golden,
        ...(golden === `c${i}` ? {} : { chaos: { operators: [['typos'], ['homoglyphs', 'typos']][i % 2]!, sourceCaseId: golden } }),
        status: 'unchanged-pass',
        scoreDelta: candidate.meanScore - baseline.meanScore,
        passDelta: candidate.passFraction - baseline.passFraction,
        scorerDeltas: { exact: i % 5 === 0 ? -0 : random() - 0.5, 'z:last': 0.25 - random() },
      },
      baseline,
      candidate,
    });
  }
  return paired;
}

/** sliceStatistics as it was first written: a slice key per value, and the clusters always looked up. */
function referenceSlices(paired: PairedCase[], policy: VerdictPolicyResolved, seed: number): SliceStatistics[] {
  const groups = new Map<string, { values: number[]; clusters: string[] }>();
  const push = (slice: string, value: number, cluster: string) => {
    const group = groups.get(slice) ?? { values: [], clusters: [] };
    groups.set(slice, group);
    group.values.push(value);
    group.clusters.push(cluster);
  };
  for (const p of paired) {
    const delta = p.candidate.meanScore - p.baseline.meanScore;
    for (const tag of new Set(p.comparison.tags)) push(`tag:${tag}`, delta, p.comparison.cluster);
    if (p.comparison.chaos) for (const operator of new Set(p.comparison.chaos.operators)) push(`operator:${operator}`, delta, p.comparison.cluster);
    for (const [scorer, value] of Object.entries(p.comparison.scorerDeltas)) push(`scorer:${scorer}`, value, p.comparison.cluster);
  }
  const kind = (s: string) => ['tag', 'scorer', 'operator'].indexOf(s.slice(0, s.indexOf(':')));
  const names = [...groups.keys()].sort((a, b) => kind(a) - kind(b) || (a < b ? -1 : a > b ? 1 : 0));
  const tests = names.map((slice) => {
    const { values, clusters } = groups.get(slice)!;
    const units = unitTotals(values, clusters);
    const tooSmall = smallestAttainablePValue(units.sums.length) > policy.alpha;
    const interval = pairedInterval(units, { alpha: policy.alpha, resamples: RANDOMIZATION_RESAMPLES, seed, scoreTest: false });
    return { slice, n: values.length, units: units.sums.length, scoreDiff: { estimate: interval.estimate, low: interval.low, high: interval.high }, tooSmall, p: interval.pValue };
  });
  const adjusted = holm(tests.map((t) => (t.tooSmall ? NaN : t.p)));
  return tests.map((t, i) => {
    const pAdjusted = t.tooSmall ? null : (adjusted[i] ?? null);
    return { slice: t.slice, n: t.n, units: t.units, scoreDiff: t.scoreDiff, tooSmall: t.tooSmall, pValue: t.tooSmall ? null : t.p, pAdjusted, significant: pAdjusted !== null && pAdjusted < policy.alpha };
  });
}

describe('sliceStatistics', () => {
  for (const chaos of [false, true]) {
    it(`gives the slices, in their order, to the last bit as the reference does (${chaos ? 'clustered' : 'one unit per case'})`, () => {
      const paired = pairedSample(chaos ? 5 : 3, chaos);
      const slices = sliceStatistics(paired, DEFAULT_POLICY, { seed: 9 });
      expect(slices).toEqual(referenceSlices(paired, DEFAULT_POLICY, 9));
      expect(slices.map((s) => s.slice)).toEqual(['tag:a', 'tag:b:x', 'scorer:exact', 'scorer:z:last', ...(chaos ? ['operator:homoglyphs', 'operator:typos'] : [])]);
    });
  }
});

describe('shared intermediate results', () => {
  it('the interval tests give the same results with their unit groups handed to them', () => {
    const random = generator(13);
    const units = unitTotals(Array.from({ length: 300 }, () => Math.round(random() * 10) / 10 - 0.5));
    const options = { alpha: 0.05, resamples: 499, seed: 4 };
    expect(signFlipInterval(units, options, groupUnits(units))).toEqual(signFlipInterval(units, options));
    expect(boundedScoreInterval(units, options, groupUnits(units))).toEqual(boundedScoreInterval(units, options));
  });

  it('one set of unit groups serves both tests of pairedInterval unchanged', () => {
    const random = generator(21);
    const units = unitTotals(Array.from({ length: 300 }, () => Math.round(random() * 10) / 10 - 0.5));
    const options = { alpha: 0.05, resamples: 499, seed: 4 };
    const groups = groupUnits(units);
    const flip = signFlipInterval(units, options, groups);
    const score = boundedScoreInterval(units, options, groups);
    // Neither test may change the groups the other reads: each gives what it gives on groups of its own.
    expect(groups).toEqual(groupUnits(units));
    expect(flip).toEqual(signFlipInterval(units, options));
    expect(score).toEqual(boundedScoreInterval(units, options));
    const interval = pairedInterval(units, { ...options, range: [-1, 1] });
    expect([interval.randomization.low, interval.randomization.high, interval.randomization.pValue]).toEqual([flip.low, flip.high, flip.pValue]);
    expect(interval.low).toBe(Math.min(flip.low, score.low));
    expect(interval.high).toBe(Math.max(flip.high, score.high));
  });

  it('repeatsNeeded gives the same plan with the pass-difference units handed to it', () => {
    for (const chaos of [false, true]) {
      const paired = pairedSample(17, chaos);
      const policy = { ...DEFAULT_POLICY, maxPassRateDrop: 0.3 };
      expect(repeatsNeeded(paired, policy, passDifferenceUnits(paired))).toEqual(repeatsNeeded(paired, policy));
    }
  });
});
