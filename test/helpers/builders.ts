/**
 * Builders for the records and samples tests make by hand: each gives a complete, valid value with
 * plain defaults, and takes the fields a test cares about as overrides.
 */
import type { RecordHeader, SampleRecord } from '../../src/records/types.js';
import type { Sample } from '../../src/scoring/types.js';

/** A passing sample line of a record: case `c`, version `v1`, model `m`, repeat 0. */
export function sampleRecord(overrides: Partial<SampleRecord> = {}): SampleRecord {
  return {
    type: 'sample',
    index: 0,
    caseId: 'c',
    promptId: 'p',
    version: 'v1',
    model: 'm',
    repeat: 0,
    tags: [],
    promptHash: 'h',
    output: 'x',
    stopReason: 'end_turn',
    scores: [],
    score: 1,
    pass: true,
    costUsd: 0.01,
    latencyMs: 100,
    ...overrides,
  };
}

/** A record header for one suite, version and model, with nothing planned. */
export function recordHeader(overrides: Partial<RecordHeader> = {}): RecordHeader {
  return {
    type: 'header',
    recordVersion: 1,
    suite: 'demo',
    suiteFile: 'suites/demo.eval.ts',
    prompts: [{ id: 'demo', version: 'v1', hash: 'hash-v1', file: 'prompts/demo.v1.hbs' }],
    models: ['model-a'],
    dataset: { path: 'cases.jsonl', hash: 'dataset-1', cases: 0 },
    options: {},
    planned: 0,
    planHash: 'plan',
    git: { commit: null, dirty: null },
    tool: { name: 'promptgold', version: '0.1.0' },
    seed: 1,
    ...overrides,
  };
}

/** What a scorer receives for `output`, with the request and generation around it. */
export function scorerSample(output: string, overrides: Partial<Sample> = {}): Sample {
  return {
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
    ...overrides,
  };
}
