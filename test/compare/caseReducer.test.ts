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
        const table = new RepeatTable(1);
        const byCase = new Map<number, { accumulator: CaseAccumulator; samples: ComparableSample[] }>();
        for (const [id, d] of drawn) {
          const sample = { ...toSample(d), caseId: `case-${id}` };
          let entry = byCase.get(id);
          if (!entry) {
            entry = { accumulator: new CaseAccumulator(sample, false, table), samples: [] };
            byCase.set(id, entry);
          }
          entry.accumulator.add(sample);
          entry.samples.push(sample);
        }
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
