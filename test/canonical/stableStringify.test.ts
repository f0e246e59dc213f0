import fc from 'fast-check';
import libraryStringify from 'fast-json-stable-stringify';
import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../src/canonical.js';

/** Values of every kind the serializer meets: JSON, plus undefined, non-finite numbers, functions, dates, toJSON, sparse arrays. */
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(undefined, null, NaN, Infinity, -Infinity, -0, () => 1, true, false),
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.double(),
    fc.integer(),
    fc.date({ noInvalidDate: true }),
    tie('array'),
    tie('object'),
    tie('withToJson'),
  ),
  array: fc.array(tie('any'), { maxLength: 5 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('10', '9', 'a', 'B', 'é', '\u{1F600}', 'constructor')), tie('any'), { maxKeys: 20 }),
  withToJson: tie('any').map((inner) => ({ toJSON: () => inner, ignored: 1 })),
}));

describe('stableStringify', () => {
  it('writes exactly what fast-json-stable-stringify writes (records keep their bytes)', () => {
    fc.assert(
      fc.property(value.any, (input) => {
        expect(stableStringify(input)).toBe(libraryStringify(input));
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts long key lists too, and keys by code unit, not by number', () => {
    const keys = Array.from({ length: 40 }, (_, i) => String((i * 7919) % 101));
    const wide = Object.fromEntries(keys.map((key, i) => [key, i]));
    expect(stableStringify(wide)).toBe(libraryStringify(wide));
    expect(stableStringify({ 10: 'a', 9: 'b', B: 1, a: 2 })).toBe('{"10":"a","9":"b","B":1,"a":2}');
  });

  it('refuses a cycle through an object, and allows a shared object in two places', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = { back: loop };
    expect(() => stableStringify(loop)).toThrow(TypeError);
    const shared = { x: 1 };
    expect(stableStringify({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});
