import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainlyValidSuite, suiteShape } from '../../src/engine/suiteShape.js';
import { contains } from '../../src/scoring/contains.js';

const SUITE = { name: 'bench', prompt: './prompt.hbs', models: ['claude-haiku-4-5'], dataset: './cases.jsonl', concurrency: 64, repeats: 1, threshold: 0, scorers: [contains({ values: ['a'] })] };

describe('plainlyValidSuite', () => {
  it('passes the usual suite without the schema', () => {
    expect(plainlyValidSuite(SUITE)).toBe(true);
  });

  it('passes a suite only where the schema accepts it', () => {
    const number = fc.oneof(fc.constantFrom(0, 1, 0.5, 1000, 1001, 10_000, 10_001, -1, 1.5, Number.NaN, Infinity, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 2 ** 60), fc.integer(), fc.double());
    const text = fc.oneof(fc.constantFrom('', 'a', 'a b', 'bench.v1', 'x/y'), fc.string({ maxLength: 5 }));
    const value = fc.oneof(number, text, fc.boolean(), fc.constant(undefined), fc.constant(null));
    const scorer = fc.oneof(
      fc.constant(SUITE.scorers[0]),
      fc.record({ name: value, score: fc.constantFrom(() => 1, 'no') }),
      value,
      fc.constant([]),
    );
    // A sparse array: a hole is not a model.
    // eslint-disable-next-line no-sparse-arrays
    const list = (item: fc.Arbitrary<unknown>) => fc.oneof(fc.array(item, { maxLength: 3 }), fc.constant([, 'a']), value);
    const field = (name: string): fc.Arbitrary<[string, unknown]> => {
      const arbitrary = name === 'models' || name === 'versions' ? list(text) : name === 'scorers' ? list(scorer) : value;
      return fc.tuple(fc.constant(name), arbitrary);
    };
    const names = ['name', 'prompt', 'models', 'dataset', 'scorers', 'repeats', 'threshold', 'maxErrorRate', 'concurrency', 'timeoutMs', 'scorerTimeoutMs', 'versions', 'seed', 'stream'];
    const suite = fc
      .tuple(...names.map((name) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: field(name) })))
      .map((fields) => ({ ...SUITE, ...Object.fromEntries(fields.filter((entry) => entry !== undefined)) }));
    let plain = 0;
    fc.assert(
      fc.property(suite, (definition) => {
        if (!plainlyValidSuite(definition)) return;
        plain++;
        expect(suiteShape().safeParse(definition).success).toBe(true);
      }),
      { numRuns: 5000 },
    );
    expect(plain).toBeGreaterThan(100);
  });
});
