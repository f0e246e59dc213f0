import { describe, expect, it } from 'vitest';
import { SummaryBuilder, isScored } from '../../src/records/summary.js';
import type { SampleRecord } from '../../src/records/types.js';
import { sampleRecord } from '../helpers/builders.js';

const sample = (overrides: Partial<SampleRecord>): SampleRecord => sampleRecord(overrides);

describe('SummaryBuilder', () => {
  it('computes pass rate with a Wilson interval, mean score with its SE, latency percentiles and cost per cell', () => {
    const builder = new SummaryBuilder({ threshold: 0.7 });
    const scores = [1, 1, 1, 0, 0.5];
    scores.forEach((score, i) => builder.add(sample({ index: i, score, pass: score === 1, latencyMs: 100 * (i + 1) })));
    const [cell] = builder.build().cells;
    expect(cell).toMatchObject({ samples: 5, scored: 5, passed: 3, passRate: 0.6, costUsd: 0.05 });
    // Wilson 95% for 3/5: [0.2307, 0.8824] (closed form)
    expect(cell!.passRateInterval.low).toBeCloseTo(0.2307, 3);
    expect(cell!.passRateInterval.high).toBeCloseTo(0.8824, 3);
    expect(cell!.meanScore).toBeCloseTo(0.7, 6);
    // sd of [1,1,1,0,0.5] = 0.4472; se = 0.4472/sqrt(5) = 0.2
    expect(cell!.meanScoreSe).toBeCloseTo(0.2, 6);
    expect(cell!.latencyMs).toEqual({ p50: 300, p95: 480 });
    expect(builder.build().failingCells).toEqual(['v1 × m']);
  });

  it('fails the threshold for a cell whose golden samples were all unscored, even within a run-wide maxErrorRate', () => {
    const builder = new SummaryBuilder({ threshold: 0.9, maxErrorRate: 0.6 });
    for (let i = 0; i < 4; i++) builder.add(sample({ index: i, model: 'good', pass: true }));
    for (let i = 4; i < 6; i++) builder.add(sample({ index: i, model: 'down', pass: false, output: null, error: { kind: 'provider_error', message: 'down' }, latencyMs: null }));
    const summary = builder.build();
    expect(summary.tooManyErrors).toBe(false); // 2 of 6 unscored, maxErrorRate 0.6
    expect(summary.failingCells).toEqual(['v1 × down']);
    // A cell of chaos samples only is judged by the robustness table, not the threshold.
    const chaosOnly = new SummaryBuilder({ threshold: 0.9 });
    chaosOnly.add(sample({ model: 'good', pass: true }));
    chaosOnly.add(sample({ model: 'chaos', pass: false, output: null, error: { kind: 'timeout', message: 't' }, latencyMs: null, chaos: { sourceCaseId: 'c1', operators: ['nfc'], fields: ['t'], ops: [], property: 'same' } }));
    expect(chaosOnly.build().failingCells).toEqual([]);
  });

  it('takes the chaos pass rate over the chaos samples scored, not as a 0 for each one that errored', () => {
    const builder = new SummaryBuilder({ threshold: null, maxErrorRate: 1 });
    const chaos = { sourceCaseId: 'a', operators: ['nfc'], fields: ['t'], ops: [], property: 'same' };
    builder.add(sample({ pass: true }));
    builder.add(sample({ caseId: 'a~1', pass: true, chaos }));
    builder.add(sample({ caseId: 'a~2', pass: false, chaos }));
    builder.add(sample({ caseId: 'a~3', pass: false, output: null, error: { kind: 'scorer_error', message: 'boom' }, chaos }));
    expect(builder.build().cells[0]!.chaos).toEqual({ samples: 3, scored: 2, passed: 1, passRate: 0.5 });
  });

  it('leaves infrastructure errors and budget skips out of the pass rate, but counts a context overflow as a failure', () => {
    const builder = new SummaryBuilder({ threshold: null });
    builder.add(sample({ pass: true }));
    builder.add(sample({ pass: false, output: null, error: { kind: 'timeout', message: 't' }, latencyMs: null }));
    builder.add(sample({ pass: false, output: null, error: { kind: 'budget', message: 'b' }, latencyMs: null }));
    builder.add(sample({ pass: false, output: null, error: { kind: 'context_overflow', message: 'c' }, latencyMs: null, score: 0 }));
    const summary = builder.build();
    expect(summary.cells[0]).toMatchObject({ samples: 4, scored: 2, passed: 1, passRate: 0.5, errors: { timeout: 1, budget: 1, context_overflow: 1 } });
    expect(summary.totals.infrastructureErrors).toBe(1);
    expect(isScored(sample({ error: { kind: 'replay_miss', message: '' } }))).toBe(false);
  });

  it('leaves cached samples out of cost and latency, and keeps judge usage apart', () => {
    const builder = new SummaryBuilder({ threshold: null });
    builder.add(sample({ cached: true, costUsd: 0, latencyMs: 5 }));
    builder.add(sample({ costUsd: 0.02, latencyMs: 200, judge: { calls: 2, inputTokens: 300, outputTokens: 40, costUsd: 0.003, latencyMs: 900, cached: 0 } }));
    const summary = builder.build();
    expect(summary.cells[0]).toMatchObject({ cachedSamples: 1, costUsd: 0.02, latencyMs: { p50: 200, p95: 200 } });
    expect(summary.cells[0]!.judge).toEqual({ calls: 2, inputTokens: 300, outputTokens: 40, costUsd: 0.003 });
    expect(summary.totals).toMatchObject({ costUsd: 0.02, judgeCostUsd: 0.003 });
  });

  it('builds a robustness row per chaos operator against its source cases', () => {
    const builder = new SummaryBuilder({ threshold: null });
    builder.add(sample({ caseId: 'a', pass: true }));
    builder.add(sample({ caseId: 'b', pass: true }));
    builder.add(sample({ caseId: 'c', pass: false }));
    const chaos = (source: string, operator: string, pass: boolean) =>
      sample({ caseId: `${source}~${operator}`, pass, chaos: { sourceCaseId: source, operators: [operator], fields: ['t'], ops: [], property: 'same' } });
    builder.add(chaos('a', 'homoglyphs', false));
    builder.add(chaos('b', 'homoglyphs', true));
    builder.add(chaos('a', 'zero-width', true));
    expect(builder.build().robustness).toEqual([
      { operator: 'homoglyphs', samples: 2, passed: 1, passRate: 0.5, sourcePassRate: 1, drop: -0.5 },
      { operator: 'zero-width', samples: 1, passed: 1, passRate: 1, sourcePassRate: 1, drop: 0 },
    ]);
  });

  it('counts chaos samples sent as their source request apart, as neither pass nor fail', () => {
    const builder = new SummaryBuilder({ threshold: null });
    builder.add(sample({ caseId: 'a', pass: true }));
    builder.add(sample({ caseId: 'b', pass: false }));
    const chaos = (source: string, operator: string, pass: boolean, notExercised?: 'same-request') =>
      sample({ caseId: `${source}~${operator}`, pass, chaos: { sourceCaseId: source, operators: [operator], fields: ['t'], ops: [], property: 'same', ...(notExercised && { notExercised }) } });
    builder.add(chaos('a', 'homoglyphs', true, 'same-request'));
    builder.add(chaos('b', 'homoglyphs', false));
    builder.add(chaos('a', 'zero-width', true, 'same-request'));
    const summary = builder.build();
    expect(summary.robustness).toEqual([
      // Only b's mutation was tested: a's pass is no evidence, nor is a's own pass rate its comparison.
      { operator: 'homoglyphs', samples: 1, passed: 0, passRate: 0, sourcePassRate: 0, drop: 0, notExercised: { 'same-request': 1 } },
      { operator: 'zero-width', samples: 0, passed: 0, passRate: null, sourcePassRate: null, drop: null, notExercised: { 'same-request': 1 } },
    ]);
    expect(summary.cells[0]!.chaos).toEqual({ samples: 3, scored: 1, passed: 0, passRate: 0, notExercised: 2 });
    expect(summary.cells[0]).toMatchObject({ scored: 2, passed: 1 });
  });

  it('builds the same summary when it is told the chaos source cases up front and keeps only those', () => {
    const chaos = (source: string, operator: string, pass: boolean) =>
      sample({ caseId: `${source}~${operator}`, pass, chaos: { sourceCaseId: source, operators: [operator], fields: ['t'], ops: [], property: 'same' } });
    const samples = [
      sample({ caseId: 'a', pass: true }),
      sample({ caseId: 'b', pass: false }),
      sample({ caseId: 'c', pass: true }),
      chaos('a', 'homoglyphs', false),
      chaos('b', 'homoglyphs', true),
    ];
    const told = new SummaryBuilder({ threshold: 0.5, chaosSources: new Set(['a', 'b']) });
    const untold = new SummaryBuilder({ threshold: 0.5 });
    for (const one of samples) {
      told.add(one);
      untold.add(one);
    }
    expect(told.build()).toEqual(untold.build());
    expect(told.build().robustness?.[0]).toMatchObject({ sourcePassRate: 0.5, drop: 0 });
  });

  it('counts per cell how often each field was right, from any score that reports fields, and leaves it out when none does', () => {
    const fields = (results: Record<string, boolean>) => Object.fromEntries(Object.entries(results).map(([field, pass]) => [field, { pass, score: pass ? 1 : 0 }]));
    const extraction = (results: Record<string, boolean>) => ({ name: 'extraction', score: 0, pass: false, reason: 'r', details: { fields: fields(results) } });
    const builder = new SummaryBuilder({ threshold: null });
    builder.add(sample({ scores: [extraction({ total: true, vendor: true })] }));
    builder.add(sample({ scores: [extraction({ total: false, vendor: true }), { name: 'exact', score: 1, pass: true, reason: 'r' }] }));
    // A combinator's children count; an errored score does not; the tool-input fields of another scorer count under their own names.
    builder.add(
      sample({
        scores: [
          { name: 'all', score: 0, pass: false, reason: 'r', children: [extraction({ total: true })] },
          { name: 'broken', score: 0, pass: false, reason: 'r', error: 'x', details: { fields: fields({ total: false }) } },
          { name: 'toolInput(lookup)', score: 1, pass: true, reason: 'r', details: { fields: fields({ 'lookup.order_id': true }) } },
        ],
      }),
    );
    // Not scored (the provider failed) and chaos samples are left out, as in the pass rate.
    builder.add(sample({ error: { kind: 'timeout', message: 't' }, scores: [extraction({ total: false })] }));
    builder.add(sample({ caseId: 'c~op', scores: [extraction({ total: false })], chaos: { sourceCaseId: 'c', operators: ['op'], fields: ['t'], ops: [], property: 'same' } }));
    builder.declareCell('v2', 'm');
    const [withFields, without] = builder.build().cells;
    expect(withFields!.fieldAccuracy).toEqual({ 'lookup.order_id': { right: 1, total: 1 }, total: { right: 2, total: 3 }, vendor: { right: 2, total: 2 } });
    expect(Object.keys(withFields!.fieldAccuracy!)).toEqual(['lookup.order_id', 'total', 'vendor']);
    expect(without).not.toHaveProperty('fieldAccuracy');
  });
});

describe('parameters a request went without', () => {
  it('are counted per cell and said under the run table; a run that sent every parameter says nothing', async () => {
    const { formatSummaryTable } = await import('../../src/report/console.js');
    const builder = new SummaryBuilder({ threshold: null });
    for (let i = 0; i < 4; i++) builder.add(sample({ index: i, model: 'old', pass: true }));
    for (let i = 4; i < 8; i++) builder.add(sample({ index: i, model: 'new', pass: true, ...(i < 7 ? { droppedParams: ['temperature', 'top_k'] } : { droppedParams: ['temperature'] }) }));
    const summary = builder.build();
    expect(summary.cells.find((c) => c.model === 'new')!.droppedParams).toEqual({ temperature: 4, top_k: 3 });
    expect(summary.cells.find((c) => c.model === 'old')!).not.toHaveProperty('droppedParams');
    expect(formatSummaryTable('demo', summary)).toContain(
      'parameters left out of the requests (a model that does not take them, or set elsewhere in the request): v1 × new: temperature (4 of 4 samples), top_k (3 of 4 samples) (see droppedParams in the record)',
    );
    const plain = new SummaryBuilder({ threshold: null });
    plain.add(sample({ pass: true }));
    expect(formatSummaryTable('demo', plain.build())).not.toContain('left out');
  });
});
