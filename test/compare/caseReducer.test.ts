import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseAccumulator, type ComparableSample } from '../../src/compare/caseReducer.js';
import { RepeatTable } from '../../src/compare/repeatTable.js';
import type { CaseSide, RepeatScore } from '../../src/compare/types.js';
import { isScored } from '../../src/records/summary.js';

/**
 * The accumulator packs each repeat's numbers into flat arrays. The reference below is the plain
 * computation it replaced: one object per repeat, sorted by repeat number (stably), then one pass
 * that adds the scored repeats' values in that order. Every figure must agree to the bit.
 */
function referenceMeans(samples: ComparableSample[]): Pick<CaseSide, 'repeats' | 'scored' | 'passes' | 'passFraction' | 'meanScore' | 'scorerMeans' | 'errors'> {
  const entries = samples.map((sample) => ({ sample, scored: isScored(sample) })).sort((a, b) => a.sample.repeat - b.sample.repeat);
  let scored = 0;
  let passes = 0;
  let scoreTotal = 0;
  const sums = new Map<string, { total: number; count: number }>();
  const errors: string[] = [];
  for (const { sample, scored: counts } of entries) {
    if (sample.error) errors.push(sample.error.kind);
    if (!counts) continue;
    scored++;
    if (sample.pass) passes++;
    scoreTotal += sample.score;
    for (const score of sample.scores) {
      const sum = sums.get(score.name) ?? { total: 0, count: 0 };
      sum.total += score.score;
      sum.count++;
      sums.set(score.name, sum);
    }
  }
  const scorerMeans: Record<string, number> = {};
  for (const name of [...sums.keys()].sort()) scorerMeans[name] = sums.get(name)!.total / sums.get(name)!.count;
  return { repeats: entries.length, scored, passes, passFraction: scored ? passes / scored : NaN, meanScore: scored ? scoreTotal / scored : NaN, scorerMeans, errors };
}

const value = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 1 / 3, 0.1, 0.7));
const score = fc.record({ name: fc.constantFrom('exact', 'schema', 'summary', 'tone'), score: value, pass: fc.boolean(), reason: fc.constantFrom('ok', 'too short') });
const sampleArbitrary: fc.Arbitrary<Drawn> = fc.record({
  repeat: fc.integer({ min: 0, max: 6 }),
  scores: fc.array(score, { maxLength: 4 }),
  score: value,
  pass: fc.boolean(),
  error: fc.option(fc.constantFrom('timeout', 'rate_limit', 'scorer_error', 'invalid_output'), { nil: undefined }),
  output: fc.constantFrom('{"a":1}', 'text'),
  stopReason: fc.constantFrom('end_turn', 'max_tokens', null),
  latencyMs: fc.option(fc.integer({ min: 1, max: 60_000 }), { nil: null }),
  cached: fc.boolean(),
});

interface Drawn {
  repeat: number;
  scores: RepeatScore[];
  score: number;
  pass: boolean;
  error: string | undefined;
  output: string;
  stopReason: string | null;
  latencyMs?: number | null;
  cached?: boolean;
}

function toSample(s: Drawn): ComparableSample {
  return {
    caseId: 'case-1',
    version: 'v1',
    model: 'claude-haiku-4-5',
    repeat: s.repeat,
    tags: ['t'],
    promptHash: 'ph',
    output: s.output,
    stopReason: s.stopReason,
    scores: s.scores,
    score: s.score,
    pass: s.pass,
    costUsd: 0.001,
    latencyMs: s.latencyMs === undefined ? 100 : s.latencyMs,
    ...(s.cached ? { cached: true } : {}),
    ...(s.error ? { error: { kind: s.error, message: `${s.error} happened` } } : {}),
  } as ComparableSample;
}

function accumulate(samples: ComparableSample[], keepRepeatDetails: boolean, table?: RepeatTable): CaseSide {
  return accumulator(samples, keepRepeatDetails, table).toCaseSide();
}

function accumulator(samples: ComparableSample[], keepRepeatDetails: boolean, table?: RepeatTable): CaseAccumulator {
  const accumulator = new CaseAccumulator(samples[0]!, keepRepeatDetails, table);
  for (const sample of samples) accumulator.add(sample);
  return accumulator;
}

/** Latencies of the uncached, successful samples, in reading order, and their mean. */
function referenceLatencies(samples: ComparableSample[]): { latencies: number[]; meanLatencyMs: number | null } {
  const latencies = samples.filter((s) => !s.cached && !s.error && s.latencyMs !== null).map((s) => s.latencyMs!);
  return { latencies, meanLatencyMs: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null };
}

describe('CaseAccumulator', () => {
  it('gives the means of the plain per-repeat computation to the bit, in any reading order, with and without details', () => {
    fc.assert(
      fc.property(fc.array(sampleArbitrary, { minLength: 1, maxLength: 12 }), fc.boolean(), (drawn, keepRepeatDetails) => {
        const samples = drawn.map(toSample);
        const side = accumulate(samples, keepRepeatDetails);
        const { repeats, scored, passes, passFraction, meanScore, scorerMeans, errors } = side;
        expect({ repeats, scored, passes, passFraction, meanScore, scorerMeans, errors }).toStrictEqual(referenceMeans(samples));
        expect({ latencies: accumulator(samples, keepRepeatDetails).latencies, meanLatencyMs: side.meanLatencyMs }).toStrictEqual(referenceLatencies(samples));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps each case apart when the cases of a side share one table, their samples interleaved', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), sampleArbitrary), { minLength: 1, maxLength: 30 }), (drawn) => {
        const byCase = accumulateByCase(drawn.map(([id, d]) => ({ ...toSample(d), caseId: `case-${id}` })));
        for (const { accumulator: shared, samples } of byCase.values()) {
          const { repeats, scored, passes, passFraction, meanScore, scorerMeans, errors, meanLatencyMs } = shared.toCaseSide();
          expect({ repeats, scored, passes, passFraction, meanScore, scorerMeans, errors }).toStrictEqual(referenceMeans(samples));
          expect({ latencies: shared.latencies, meanLatencyMs }).toStrictEqual(referenceLatencies(samples));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the plain means when consecutive cases share, reorder or change their scorer lists (the fast paths for repeated lists)', () => {
    const nameLists = [['summary', 'category', 'schema'], ['summary', 'category', 'schema'], ['category', 'summary'], ['schema', 'summary', 'category', 'summary'], ['Zed', 'émoji', '\u{1F600}x', '\uFFFFx'], []];
    const caseArbitrary = fc.array(fc.tuple(fc.integer({ min: 0, max: nameLists.length - 1 }), sampleArbitrary), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(caseArbitrary, { minLength: 1, maxLength: 8 }), (cases) => {
        const table = new RepeatTable(1);
        const built = cases.map((drawn, c) => {
          const samples = drawn.map(([list, d]) => ({ ...toSample({ ...d, scores: nameLists[list]!.map((name, i) => ({ ...(d.scores[i] ?? { score: i / 7, pass: true, reason: '' }), name })) }), caseId: `case-${c}` }));
          return { accumulator: accumulator(samples, false, table), samples };
        });
        for (let round = 0; round < 2; round++) {
          for (const { accumulator: shared, samples } of built) {
            const { repeats, scored, passes, passFraction, meanScore, scorerMeans, errors } = shared.toCaseSide();
            expect({ repeats, scored, passes, passFraction, meanScore, scorerMeans, errors }).toStrictEqual(referenceMeans(samples));
            expect(Object.keys(scorerMeans)).toStrictEqual(Object.keys(referenceMeans(samples).scorerMeans));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps outputs, scores and stop reasons in repeat order (reading order within one repeat number) with details, and none without', () => {
    const samples = [
      toSample({ repeat: 2, scores: [], score: 0.5, pass: false, error: undefined, output: 'third', stopReason: 'max_tokens' }),
      toSample({ repeat: 0, scores: [{ name: 'exact', score: 1, pass: true, reason: 'ok' }], score: 1, pass: true, error: undefined, output: 'first', stopReason: 'end_turn' }),
      toSample({ repeat: 1, scores: [], score: 0, pass: false, error: 'timeout', output: 'lost', stopReason: null }),
      toSample({ repeat: 0, scores: [{ name: 'exact', score: 0, pass: false, reason: 'differs' }], score: 0, pass: false, error: undefined, output: 'second', stopReason: 'end_turn' }),
    ];
    const side = accumulate(samples, true);
    expect(side.outputs).toEqual(['first', 'second', null, 'third']);
    expect(side.stopReasons).toEqual(['end_turn', 'end_turn', null, 'max_tokens']);
    expect(side.scores).toEqual<RepeatScore[][]>([
      [{ name: 'exact', score: 1, pass: true, reason: '' }],
      [{ name: 'exact', score: 0, pass: false, reason: 'differs' }],
      [],
      [],
    ]);
    expect(side.errors).toEqual(['timeout']);
    const lean = accumulate(samples, false);
    expect(lean).not.toHaveProperty('outputs');
    expect(lean).not.toHaveProperty('scores');
    expect(lean).not.toHaveProperty('stopReasons');
    expect(lean.meanScore).toBe(side.meanScore);
  });
});

/**
 * The sums a case keeps besides its repeats, as the accumulator kept them in its own fields before
 * they moved into the side's table: added in reading order, cached samples counting only for judge
 * cost, stops counted over scored golden samples.
 */
function referenceSums(samples: ComparableSample[]) {
  const sums = { costUsd: 0, judgeCostUsd: 0, billedSamples: 0, inputTokens: 0, outputTokens: 0 };
  const promptCache = { samples: 0, hits: 0, readTokens: 0, savedUsd: 0 };
  const stops = { scored: 0, refusals: 0, maxTokens: 0, contextWindow: 0 };
  for (const sample of samples) {
    if (isScored(sample) && !sample.chaos) {
      stops.scored++;
      if (sample.stopReason === 'refusal') stops.refusals++;
      else if (sample.stopReason === 'max_tokens') stops.maxTokens++;
      else if (sample.stopReason === 'model_context_window_exceeded' || sample.error?.kind === 'context_overflow') stops.contextWindow++;
    }
    if (sample.judge) sums.judgeCostUsd += sample.judge.costUsd;
    if (sample.cached) continue;
    sums.billedSamples++;
    sums.costUsd += sample.costUsd;
    if (!sample.usage) continue;
    const reads = sample.usage.cacheReadInputTokens ?? 0;
    sums.inputTokens += sample.usage.inputTokens + (sample.usage.cacheCreationInputTokens ?? 0) + reads;
    sums.outputTokens += sample.usage.outputTokens;
    if (reads > 0 || (sample.usage.cacheCreationInputTokens ?? 0) > 0) {
      promptCache.samples++;
      if (reads > 0) promptCache.hits++;
      promptCache.readTokens += reads;
      promptCache.savedUsd += sample.cacheSavedUsd ?? 0;
    }
  }
  return { ...sums, promptCache, stops };
}

describe('CaseAccumulator sums (cost, tokens, prompt caching, stops) in the shared table', () => {
  const extras = fc.record({
    costUsd: fc.double({ min: 0, max: 0.05, noNaN: true }),
    judgeCostUsd: fc.option(fc.double({ min: 0, max: 0.01, noNaN: true }), { nil: undefined }),
    usage: fc.option(
      fc.record({
        inputTokens: fc.integer({ min: 0, max: 5000 }),
        outputTokens: fc.integer({ min: 0, max: 500 }),
        cacheReadInputTokens: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
        cacheCreationInputTokens: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
      }),
      { nil: undefined },
    ),
    cacheSavedUsd: fc.option(fc.double({ min: -0.01, max: 0.01, noNaN: true }), { nil: undefined }),
    stopReason: fc.constantFrom('end_turn', 'max_tokens', 'refusal', 'model_context_window_exceeded', null),
    chaos: fc.boolean(),
  });

  it('are each case\'s own and equal to the plain sums to the bit, with the cases\' samples interleaved', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), sampleArbitrary, extras), { minLength: 1, maxLength: 40 }), (drawn) => {
        const byCase = accumulateByCase(
          drawn.map(([id, d, extra]): ComparableSample => ({
            ...toSample(d),
            caseId: `case-${id}`,
            costUsd: extra.costUsd,
            stopReason: extra.stopReason,
            ...(extra.judgeCostUsd !== undefined ? { judge: { costUsd: extra.judgeCostUsd } as ComparableSample['judge'] } : {}),
            ...(extra.usage ? { usage: withoutUndefined(extra.usage) } : {}),
            ...(extra.cacheSavedUsd !== undefined ? { cacheSavedUsd: extra.cacheSavedUsd } : {}),
            ...(extra.chaos ? { chaos: { operators: ['typo'], sourceCaseId: 'case-0' } as ComparableSample['chaos'] } : {}),
          })),
        );
        for (const { accumulator: shared, samples } of byCase.values()) {
          const { costUsd, judgeCostUsd, billedSamples, inputTokens, outputTokens, promptCache, stops } = shared;
          expect({ costUsd, judgeCostUsd, billedSamples, inputTokens, outputTokens, promptCache, stops }).toStrictEqual(referenceSums(samples));
          const side = shared.toCaseSide();
          expect({ costUsd: side.costUsd, tokens: side.tokens }).toStrictEqual({ costUsd, tokens: { input: inputTokens, output: outputTokens } });
        }
      }),
      { numRuns: 300 },
    );
  });
});

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Each case's samples read into accumulators that share one table, in the given (interleaved) order. */
function accumulateByCase(samples: ComparableSample[]): Map<string, { accumulator: CaseAccumulator; samples: ComparableSample[] }> {
  const table = new RepeatTable(1);
  const byCase = new Map<string, { accumulator: CaseAccumulator; samples: ComparableSample[] }>();
  for (const sample of samples) {
    let entry = byCase.get(sample.caseId);
    if (!entry) {
      entry = { accumulator: new CaseAccumulator(sample, false, table), samples: [] };
      byCase.set(sample.caseId, entry);
    }
    entry.accumulator.add(sample);
    entry.samples.push(sample);
  }
  return byCase;
}

describe('CaseAccumulator.toCaseSide key order', () => {
  // The compare JSON writes a case side's keys in this order; the two literals in toCaseSide must stay in step.
  const lean = ['repeats', 'scored', 'passes', 'passFraction', 'meanScore', 'scorerMeans', 'errors', 'promptHash', 'costUsd', 'meanLatencyMs', 'tokens'];
  const detailed = ['repeats', 'scored', 'passes', 'passFraction', 'meanScore', 'scorerMeans', 'errors', 'outputs', 'scores', 'promptHash', 'costUsd', 'meanLatencyMs', 'tokens', 'stopReasons'];
  const ok = toSample({ repeat: 0, scores: [], score: 1, pass: true, error: undefined, output: 'text', stopReason: 'end_turn' });
  const failed = toSample({ repeat: 1, scores: [], score: 0, pass: false, error: 'timeout', output: 'text', stopReason: null });

  it.each([
    ['without repeat details, no error', false, [ok], lean],
    ['without repeat details, with an error', false, [ok, failed], [...lean, 'firstError']],
    ['with repeat details, no error', true, [ok], detailed],
    ['with repeat details, with an error', true, [ok, failed], [...detailed, 'firstError']],
  ])('%s', (_name, keepRepeatDetails, samples, keys) => {
    expect(Object.keys(accumulate(samples, keepRepeatDetails))).toEqual(keys);
  });
});
