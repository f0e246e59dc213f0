import { describe, expect, it } from 'vitest';
import type { GoldenCase } from '../../src/datasets/types.js';
import type { PlannedSample } from '../../src/engine/plan.js';
import { SourceResults } from '../../src/engine/sourceResults.js';
import type { CompiledPrompt } from '../../src/prompts/index.js';
import type { SampleRecord } from '../../src/records/types.js';

const prompt = { template: { version: 'v1' } } as unknown as CompiledPrompt;
const origin = { file: 'data.jsonl', line: 1 };

function golden(id: string): GoldenCase {
  return { id, vars: { text: id }, tags: [], origin };
}

function variant(sourceCaseId: string, operator: string): GoldenCase {
  return { id: `${sourceCaseId}~${operator}`, vars: { text: 'x' }, tags: ['chaos'], origin, chaos: { sourceCaseId, operators: [operator], fields: ['text'], ops: [], property: 'same' } };
}

function planned(goldenCase: GoldenCase, repeat = 0, model = 'm'): PlannedSample {
  return { index: 0, case: goldenCase, prompt, model, repeat };
}

function record(goldenCase: GoldenCase, output: string, repeat = 0): SampleRecord {
  return {
    type: 'sample',
    index: 0,
    caseId: goldenCase.id,
    promptId: 'p',
    version: 'v1',
    model: 'm',
    repeat,
    tags: [],
    promptHash: 'h',
    output,
    stopReason: 'end_turn',
    scores: [],
    score: 1,
    pass: true,
    costUsd: 0,
    latencyMs: 1,
    ...(goldenCase.chaos ? { chaos: { ...goldenCase.chaos } } : {}),
  } as SampleRecord;
}

describe('SourceResults', () => {
  const a = golden('a');
  const a1 = variant('a', 'zero-width');
  const a2 = variant('a', 'homoglyphs');

  it('hands a source result to each of its variants, then holds it no longer', async () => {
    const sources = new SourceResults(new Map([['a', 2]]));
    sources.resolve(planned(a), record(a, 'golden answer'));
    expect(sources.held).toBe(1);
    await expect(sources.awaitSource(planned(a1))).resolves.toMatchObject({ output: 'golden answer' });
    sources.resolve(planned(a1), record(a1, 'x'));
    expect(sources.held).toBe(1);
    await expect(sources.awaitSource(planned(a2))).resolves.toMatchObject({ output: 'golden answer' });
    sources.resolve(planned(a2), record(a2, 'x'));
    expect(sources.held).toBe(0);
  });

  it('keeps the entry of a variant that asked before its source ended, until the source ends', async () => {
    const sources = new SourceResults(new Map([['a', 1]]));
    const asked = sources.awaitSource(planned(a1));
    sources.resolve(planned(a), record(a, 'late answer'));
    await expect(asked).resolves.toMatchObject({ output: 'late answer' });
    sources.resolve(planned(a1), record(a1, 'x'));
    expect(sources.held).toBe(0);
  });

  it('counts a variant that ended without asking (a provider error) as done with its source', () => {
    const sources = new SourceResults(new Map([['a', 1]]));
    sources.resolve(planned(a1), undefined);
    expect(sources.held).toBe(1); // the source has not ended: its entry waits for it
    sources.resolve(planned(a), record(a, 'answer'));
    expect(sources.held).toBe(0);
  });

  it('keys by version × model × repeat: one repeat done leaves the next held', () => {
    const sources = new SourceResults(new Map([['a', 1]]));
    sources.resolve(planned(a, 0), record(a, 'r0', 0));
    sources.resolve(planned(a, 1), record(a, 'r1', 1));
    sources.resolve(planned(a1, 0), record(a1, 'x', 0));
    expect(sources.held).toBe(1);
    sources.resolve(planned(a1, 1), record(a1, 'x', 1));
    expect(sources.held).toBe(0);
  });

  it('on resume, a kept chaos sample will not ask: a kept source of kept variants is not held', () => {
    const sources = new SourceResults(new Map([['a', 2]]));
    sources.resolveRecorded(record(a1, 'x'));
    sources.resolveRecorded(record(a, 'kept answer'));
    expect(sources.held).toBe(1);
    sources.resolveRecorded(record(a2, 'x'));
    expect(sources.held).toBe(0);
  });

  it('a variant left out of the run (vitest -t) is skipped', () => {
    const sources = new SourceResults(new Map([['a', 1]]));
    sources.skip(planned(a1));
    sources.resolve(planned(a), record(a, 'answer'));
    expect(sources.held).toBe(0);
  });

  it('hands on a source that did not finish (a budget skip, an expired batch request) as its error, from this run or a kept line; another error as no result', async () => {
    const skipped = { ...record(a, 'answer, not judged'), error: { kind: 'budget', message: "says's judge: budget reached" } } as SampleRecord;
    const failed = { ...record(a, 'answer'), error: { kind: 'scorer_error', message: 'says: boom' } } as SampleRecord;
    const ran = new SourceResults(new Map([['a', 1]]));
    ran.resolve(planned(a), skipped);
    await expect(ran.awaitSource(planned(a1))).resolves.toEqual({ notFinished: { kind: 'budget', message: "says's judge: budget reached" } });
    const kept = new SourceResults(new Map([['a', 1]]));
    kept.resolveRecorded(JSON.parse(JSON.stringify(skipped)) as SampleRecord);
    await expect(kept.awaitSource(planned(a1))).resolves.toEqual({ notFinished: { kind: 'budget', message: "says's judge: budget reached" } });
    const errored = new SourceResults(new Map([['a', 1]]));
    errored.resolve(planned(a), failed);
    await expect(errored.awaitSource(planned(a1))).resolves.toBeUndefined();
    const expired = { ...record(a, ''), output: null, error: { kind: 'timeout', code: 'batch_expired', message: 'batch request s0 expired' } } as SampleRecord;
    const batch = new SourceResults(new Map([['a', 1]]));
    batch.resolve(planned(a), expired);
    await expect(batch.awaitSource(planned(a1))).resolves.toEqual({ notFinished: { kind: 'timeout', code: 'batch_expired', message: 'batch request s0 expired' } });
  });

  it('holds nothing for a golden case no chaos case was made from', () => {
    const sources = new SourceResults(new Map([['a', 1]]));
    sources.resolve(planned(golden('b')), record(golden('b'), 'answer'));
    expect(sources.held).toBe(0);
  });
});
