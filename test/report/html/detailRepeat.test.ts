/**
 * The streamed report makes each repeat's details straight from its sample (`toDetailRepeat`);
 * the in-memory report makes a `RepeatView` first and the page's chunk builder turns it into the
 * same details. Both must give the same JSON, with reasons numbered the same way, for a sample
 * that uses every optional field.
 */
import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../../src/records/types.js';
import { Interner } from '../../../src/report/html/interner.js';
import { DetailChunkBuilder } from '../../../src/report/html/pageData.js';
import { REASON_CHARS, toDetailRepeat, toRepeatView, type RepeatContext } from '../../../src/report/html/repeatView.js';
import type { CaseRow } from '../../../src/report/html/types.js';
import { sample } from './fixtures.js';

function everyField(): SampleRecord {
  const record = sample({ caseId: 'c1', version: 'v1', repeat: 2, output: `${'long answer '.repeat(10)}\u202E`, pass: false, score: 0.4 }, 0);
  record.scores = [
    { name: 'fuzzy', score: 0.123456, pass: false, reason: 'similarity < 0.5 & more' },
    { name: 'exact', score: 0, pass: false, reason: 'x'.repeat(REASON_CHARS + 5), error: 'scorer threw' },
    { name: 'new-scorer', score: 1, pass: true, reason: 'similarity < 0.5 & more' },
  ];
  record.usage = { inputTokens: 10, outputTokens: 5, cacheCreationInputTokens: 3, cacheReadInputTokens: 7 };
  record.error = { kind: 'rate_limit', message: 'slow down '.repeat(20) };
  record.cached = true;
  record.toolCalls = [{ id: 't1', name: 'lookup', input: { q: '<x>' } }];
  record.ttftMs = 42;
  return record;
}

function context(): RepeatContext {
  const scorers = new Interner();
  scorers.index('exact');
  scorers.index('fuzzy');
  return { scorers, strings: new Interner(), outputChars: 40, truncated: { outputs: 0 } };
}

describe('toDetailRepeat', () => {
  it('gives the details the chunk builder makes of the sample’s RepeatView, key for key', () => {
    const viaView = context();
    const repeat = toRepeatView(everyField(), viaView);
    repeat.p = undefined;
    const row: CaseRow = { id: 'c1', pair: null, tags: [], status: 'fail', flags: 0, delta: null, candidate: { cell: 0, p: 'hash-v1-c1', score: 0.2, passes: 0, repeats: [repeat] } };
    const builder = new DetailChunkBuilder(viaView.strings.values, () => undefined);
    const expected = builder.add(row).candidate!.repeats[0];

    const direct = context();
    const reasons = new Interner();
    const detail = toDetailRepeat(everyField(), direct, (reason) => reasons.index(reason));
    expect(JSON.stringify(detail)).toBe(JSON.stringify(expected));
    expect(reasons.values).toEqual(builder.tables().strings);
    expect(direct.scorers.values).toEqual(viaView.scorers.values);
    expect(direct.truncated).toEqual(viaView.truncated);
    expect(direct.truncated.outputs).toBe(1);
  });
});
