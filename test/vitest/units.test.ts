import { describe, expect, it } from 'vitest';
import type { SampleRecord } from '../../src/records/types.js';
import { collectEvalRuns, runFolderName } from '../../src/vitest/collectRuns.js';
import { comparableOutput, describeSampleFailure, toAssertionError } from '../../src/vitest/sampleFailure.js';
import { callSite } from '../../src/vitest/describeEval.js';
import { inShard, parseShard } from '../../src/vitest/shard.js';
import { META_KEY, type EvalSampleMeta, type EvalSuiteMeta } from '../../src/vitest/taskMeta.js';
import { passRateTestName, sampleTestName } from '../../src/vitest/testNames.js';
import type { PlannedSample } from '../../src/engine/plan.js';

function failedSample(overrides: Partial<SampleRecord> = {}): SampleRecord {
  return {
    type: 'sample',
    index: 17,
    caseId: 'ticket-017',
    promptId: 'triage',
    version: 'v2',
    model: 'claude-haiku-4-5',
    repeat: 0,
    tags: [],
    promptHash: 'p',
    expected: { category: 'billing', priority: 2 },
    output: 'Sure: {"category":"bug","priority":2}',
    stopReason: 'end_turn',
    scores: [
      { name: 'exact:category', score: 0, pass: false, reason: 'output.category "bug" does not equal expected.category "billing"' },
      { name: 'zodSchema', score: 1, pass: true, reason: 'output matches the zod schema' },
    ],
    score: 0.5,
    pass: false,
    costUsd: 0,
    latencyMs: 3,
    ...overrides,
  };
}

describe('failure messages', () => {
  it('list every scorer with its score and reason, and diff the JSON in the output against the expected object', () => {
    const failure = describeSampleFailure(failedSample());
    expect(failure.message).toBe(
      [
        'score 0.50, 1 of 2 scorers failed',
        '  ✗ exact:category  0.00  output.category "bug" does not equal expected.category "billing"',
        '  ✓ zodSchema       1.00  output matches the zod schema',
      ].join('\n'),
    );
    expect(failure.diff).toEqual({ actual: { category: 'bug', priority: 2 }, expected: { category: 'billing', priority: 2 } });
    const error = toAssertionError('triage › v2 › claude-haiku-4-5 › ticket-017', failure) as Error & { showDiff?: boolean };
    expect(error.message.split('\n')[0]).toBe('triage › v2 › claude-haiku-4-5 › ticket-017');
    expect(error.showDiff).toBe(true);
  });

  it('show the provider error of a sample that got no answer, without a diff', () => {
    const failure = describeSampleFailure(failedSample({ output: null, scores: [], error: { kind: 'replay_miss', message: 'no recording for this request' } }));
    expect(failure.message).toBe('replay_miss: no recording for this request');
    expect(failure.diff).toBeUndefined();
  });

  it('say first that a golden sample was refused: it fails whatever its scorers said of the partial text', () => {
    const refused = failedSample({
      output: 'Sure: {"category":"billing"',
      stopReason: 'refusal',
      stopDetails: { type: 'refusal', category: 'cyber' },
      scores: [{ name: 'contains', score: 1, pass: true, reason: 'output contains "billing"' }],
      score: 1,
    });
    expect(describeSampleFailure(refused).message).toBe(
      ['refused: stop reason refusal (category cyber): a refusal fails a golden case whatever its scores', 'score 1.00, 0 of 1 scorers failed', '  ✓ contains  1.00  output contains "billing"'].join('\n'),
    );
  });

  it('compare text with text when the expected value is a string', () => {
    expect(comparableOutput('{"a":1}', 'x')).toBe('{"a":1}');
    expect(comparableOutput('not json', { a: 1 })).toBe('not json');
  });
});

describe('shards', () => {
  it('parse i/n and reject anything else', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('5/4')).toThrow(/PROMPTGOLD_SHARD: "5\/4" is not a shard/);
    expect(() => parseShard('0/1')).toThrow(/not a shard/);
    expect(() => parseShard('x')).toThrow(/not a shard/);
  });

  it('a shard setting describeEval was given is refused at its call: test file and line', () => {
    expect(() => parseShard('5/4', 'describeEval setting shard', { file: 'evals/a.eval.test.ts', line: 7 })).toThrow(/^evals\/a\.eval\.test\.ts:7: describeEval setting shard: "5\/4" is not a shard/);
  });

  it('split the plan round-robin so every index is in exactly one shard', () => {
    const count = 3;
    for (let index = 0; index < 30; index++) {
      const owners = [1, 2, 3].filter((i) => inShard(index, { index: i, count }));
      expect(owners).toEqual([(index % count) + 1]);
    }
    expect(inShard(5, null)).toBe(true);
  });

  it('name shard run folders apart from whole runs', () => {
    expect(runFolderName('triage-20260101-000000', null)).toBe('triage-20260101-000000');
    expect(runFolderName('triage-20260101-000000', { index: 2, count: 4 })).toBe('triage-20260101-000000.shard-2-of-4');
  });
});

describe('test names', () => {
  const planned = { index: 0, repeat: 1, model: 'claude-haiku-4-5', case: { id: 'ticket-017' }, prompt: { template: { version: 'v2' } } } as unknown as PlannedSample;
  it('read suite › version › model › case, with the repeat when there are several', () => {
    expect(sampleTestName('triage', planned, 1)).toBe('triage › v2 › claude-haiku-4-5 › ticket-017');
    expect(sampleTestName('triage', planned, 3)).toBe('triage › v2 › claude-haiku-4-5 › ticket-017 #2');
    expect(passRateTestName('triage', 0.9)).toBe('triage › pass rate ≥ 0.9');
    expect(passRateTestName('triage', null)).toBe('triage › pass rate');
  });
});

describe('collectEvalRuns', () => {
  const header = { type: 'header', suite: 'triage', planned: 2, planHash: 'h' } as never;
  const run = { key: 'triage:h', suite: 'triage' };
  const suiteMeta: EvalSuiteMeta = { kind: 'suite', run, header, shard: null, provider: 'replay', inputs: ['/p/prompts/v2.hbs', '/p/data.jsonl'] };
  const sampleMeta = (index: number): EvalSampleMeta => ({ kind: 'sample', run, sample: failedSample({ index, promptHash: 'p' }), prompt: { hash: 'p', user: 'u' } });

  it('groups samples under their suite block, ignores other tests, and records a sample seen twice once', () => {
    const { runs, warnings } = collectEvalRuns(
      [{ meta: { [META_KEY]: suiteMeta }, moduleId: '/p/a.eval.test.ts' }, { meta: {}, moduleId: '/p/other.test.ts' }],
      [
        { meta: { [META_KEY]: sampleMeta(1) }, moduleId: '/p/a.eval.test.ts' },
        { meta: { [META_KEY]: sampleMeta(0) }, moduleId: '/p/a.eval.test.ts' },
        { meta: { [META_KEY]: sampleMeta(1) }, moduleId: '/p/b.eval.test.ts' },
        { meta: {}, moduleId: '/p/other.test.ts' },
        { meta: { [META_KEY]: { ...sampleMeta(0), run: { key: 'other:x', suite: 'other' } } }, moduleId: '/p/c.eval.test.ts' },
      ],
    );
    expect(runs).toHaveLength(1);
    expect(runs[0]!.samples.map((s) => s.index)).toEqual([1, 0]);
    expect(runs[0]!.prompts.size).toBe(1);
    expect([...runs[0]!.inputs]).toEqual(['/p/prompts/v2.hbs', '/p/data.jsonl']);
    expect(warnings).toEqual([
      'triage: sample 1 (ticket-017) ran in two test files; recorded once',
      'sample ticket-017 of other has no suite block: not recorded',
    ]);
  });
});

describe('where describeEval was called', () => {
  const testFile = `${process.cwd()}/evals/a.eval.test.ts`;

  it('is the test file, at the line of its first frame in the stack (a path or a file URL)', () => {
    const stack = ['Error', '    at describeEval (/app/node_modules/promptgold/dist/vitest/index.js:120:19)', `    at ${testFile}:4:1`, `    at helper (${testFile}:9:3)`].join('\n');
    expect(callSite(testFile, stack)).toEqual({ file: 'evals/a.eval.test.ts', line: 4 });
    expect(callSite(testFile, stack.replace(`at ${testFile}`, `at file://${testFile}`))).toEqual({ file: 'evals/a.eval.test.ts', line: 4 });
  });

  it('is the file alone when no frame is in it, and nothing when vitest names no test file', () => {
    expect(callSite(testFile, 'Error\n    at other (/app/other.ts:1:1)')).toEqual({ file: 'evals/a.eval.test.ts' });
    expect(callSite(undefined, 'Error')).toEqual({});
  });
});
