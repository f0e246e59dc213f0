import { describe, expect, it } from 'vitest';
import { DigestBuilder, MAX_GROUPS, reasonShape } from '../../src/records/digest.js';
import type { SampleRecord } from '../../src/records/types.js';
import { sampleRecord } from '../helpers/builders.js';

function sample(caseId: string, overrides: Partial<SampleRecord> = {}): SampleRecord {
  return sampleRecord({ caseId, costUsd: 0, latencyMs: 1, ...overrides });
}

const failing = (name: string, reason: string) => ({ name, score: 0, pass: false, reason });

describe('the failure digest', () => {
  it('masks numbers and quoted text so reasons of one kind group together', () => {
    expect(reasonShape('similarity 0.41 < 0.45 to expected.summary')).toBe('similarity # < # to expected.summary');
    expect(reasonShape('output "wrong" does not equal expected "word3"')).toBe('output "…" does not equal expected "…"');
    expect(reasonShape("got “wrong” with delta −0.25 not \u201Cx\u201D")).toBe('got "…" with delta # not "…"');
  });

  it('groups failing reasons by scorer and shape, errors by kind, most common first, with a few case ids', () => {
    const builder = new DigestBuilder();
    builder.add(sample('a', { pass: false, scores: [failing('fuzzy', 'similarity 0.41 < 0.45'), { name: 'exact', score: 1, pass: true, reason: 'equal' }] }));
    builder.add(sample('b', { pass: false, scores: [failing('fuzzy', 'similarity 0.30 < 0.45')] }));
    builder.add(sample('b', { repeat: 1, pass: false, scores: [failing('fuzzy', 'similarity 0.20 < 0.45')] }));
    builder.add(sample('c', { pass: false, scores: [{ name: 'all(x, y)', score: 0, pass: false, reason: 'x failed', children: [failing('x', 'too long: 90 words')] }] }));
    builder.add(sample('d', { pass: false, output: null, error: { kind: 'timeout', message: 'no answer within 300 ms' } }));
    builder.add(sample('e', { pass: false, output: null, error: { kind: 'budget', message: 'budget reached' } }));
    // Not run yet either: --resume sends it again (isResumableError), so it is no error a sample ended in.
    builder.add(sample('g', { pass: false, output: null, error: { kind: 'timeout', code: 'batch_expired', message: 'batch request g expired' } }));
    builder.add(sample('f'));
    builder.add(sample('a~homoglyphs', { pass: false, scores: [failing('fuzzy', 'similarity 0.10 < 0.45')], chaos: { sourceCaseId: 'a', operators: ['homoglyphs'], fields: [], ops: [], property: '' } }));
    const digest = builder.build();
    expect(digest.failedSamples).toBe(5);
    expect(digest.failedChaosSamples).toBe(1);
    expect(digest.erroredChaosSamples).toBe(0);
    expect(digest.failures.map((g) => [g.source, g.shape, g.count, g.cases.map((c) => c.caseId)])).toEqual([
      ['fuzzy', 'similarity # < #', 4, ['a', 'b', 'a~homoglyphs']],
      ['x', 'too long: # words', 1, ['c']],
    ]);
    expect(digest.failures[0]!.example).toBe('similarity 0.41 < 0.45');
    expect(digest.erroredSamples).toBe(1);
    expect(digest.errors).toEqual([{ source: 'timeout', shape: 'no answer within # ms', example: 'no answer within 300 ms', count: 1, cases: [{ caseId: 'd', version: 'v1', model: 'm', repeat: 0 }] }]);
  });

  it('stays bounded: shapes past the limit are counted as one group', () => {
    const builder = new DigestBuilder();
    for (let i = 0; i < MAX_GROUPS + 50; i++) builder.add(sample(`c${i}`, { pass: false, scores: [failing(`scorer${i}`, 'no')] }));
    const digest = builder.build();
    expect(digest.failures).toHaveLength(MAX_GROUPS + 1);
    expect(digest.failures[0]).toMatchObject({ source: '(other reasons)', count: 50 });
  });
});
