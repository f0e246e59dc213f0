import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frontMatterSchema, plainFrontMatter } from '../../src/prompts/frontMatterSchema.js';
import { readSimpleFrontMatter } from '../../src/prompts/simpleFrontMatter.js';

const BENCH = 'id: bench\nversion: v1\nmax_tokens: 200\nsystem: Classify the ticket and summarize it.\nvariables:\n  ticket: string\n  n: number\n';

describe('plainFrontMatter', () => {
  it('reads the usual front matter without the schema', () => {
    const simple = readSimpleFrontMatter(BENCH)!;
    expect(plainFrontMatter(simple.value)).toBe(simple.value);
  });

  it('leaves a key named like an inherited method (toString, valueOf …) to the schema, which rejects it', () => {
    for (const key of ['toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__lookupGetter__']) {
      const value = { id: 'p', version: 'v1', max_tokens: 100, [key]: 'oops' };
      expect(plainFrontMatter(value)).toBeUndefined();
      expect(frontMatterSchema().safeParse(value).success).toBe(false);
    }
  });

  it('gives a value only where the schema accepts it and gives the same data', () => {
    const text = fc.oneof(fc.constantFrom('', 'v1', 'a b', 'string', 'number?', 'any', 'object?', 'strings'), fc.string({ maxLength: 6 }));
    const number = fc.oneof(fc.constantFrom(0, 1, 200, -3, 1.5, Number.NaN, Infinity, 2 ** 53), fc.integer());
    const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null), fc.constant(undefined));
    const name = fc.oneof(fc.constantFrom('ticket', 'n', 'n?', 'x?', '1a', '$v', 'a-b', '__proto__', 'constructor'), fc.string({ maxLength: 4 }));
    const map = fc.oneof(
      fc.dictionary(name, scalar, { maxKeys: 4 }),
      fc.constantFrom({ n: 'number', 'n?': 'string' }, { a: 'string', b: 'number?' }, ['string'], Object.create(null) as object),
    );
    const field = fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: map });
    const key = fc.constantFrom('id', 'version', 'description', 'model', 'max_tokens', 'system', 'output', 'params', 'variables', 'stream', 'stop_sequences', 'tools', 'surprise', 'toString', 'valueOf', 'hasOwnProperty');
    const frontMatter = fc.tuple(fc.dictionary(key, field, { maxKeys: 8 }), fc.boolean()).map(([value, complete]) =>
      complete ? { id: 'p', version: 'v1', max_tokens: 100, ...value } : value,
    );
    let plain = 0;
    fc.assert(
      fc.property(frontMatter, (value) => {
        const read = plainFrontMatter(value);
        if (read === undefined) return;
        plain++;
        const parsed = frontMatterSchema().safeParse(value);
        expect(parsed.success).toBe(true);
        expect(read).toEqual(parsed.data);
      }),
      { numRuns: 5000 },
    );
    expect(plain).toBeGreaterThan(100);
  });
});
