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

describe('stableStringify on plain data (the native JSON.stringify path)', () => {
  /** Plain records as the engine builds them: keys in any order, nested plain objects and arrays, some values not plain. */
  const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('type', 'index', 'scores', '__proto__', '0', '7', '10', '-1', '1.5', 'toJSON', 'a', 'B', 'é'));
  const leaf = fc.oneof(
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constantFrom(null, undefined, NaN, -0, Infinity),
    fc.constantFrom(() => 1, Symbol('s'), new Date(0), new String('boxed'), new Number(3), Object.create(null) as object, new (class Point {})()),
  );
  const plain = fc.letrec((tie) => ({
    any: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, leaf, tie('array'), tie('object'), tie('nullProto')),
    array: fc.array(tie('any'), { maxLength: 5 }),
    object: fc.array(fc.tuple(key, tie('any')), { maxLength: 12 }).map((entries) => {
      const object: Record<string, unknown> = {};
      for (const [name, item] of entries) Object.defineProperty(object, name, { value: item, enumerable: true, writable: true, configurable: true });
      return object;
    }),
    nullProto: tie('object').map((object) => Object.assign(Object.create(null) as object, object)),
  }));

  it('writes exactly what fast-json-stable-stringify writes', () => {
    fc.assert(
      fc.property(plain.any, (input) => {
        expect(stableStringify(input)).toBe(libraryStringify(input));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps keys that a copy would move (array indexes, __proto__) in code-unit order', () => {
    const indexes = { b: 1, 10: 2, 9: 3, a: { y: 1, x: 2 } };
    expect(stableStringify(indexes)).toBe('{"10":2,"9":3,"a":{"x":2,"y":1},"b":1}');
    const proto = JSON.parse('{"z":1,"__proto__":{"b":1,"a":2}}') as unknown;
    expect(stableStringify(proto)).toBe(libraryStringify(proto));
    expect(stableStringify(proto)).toBe('{"__proto__":{"a":2,"b":1},"z":1}');
  });

  it('leaves the value it writes unchanged', () => {
    const record = { z: [{ b: 1, a: 2 }], a: { d: undefined, c: NaN } };
    const before = structuredClone(record);
    expect(stableStringify(record)).toBe('{"a":{"c":null},"z":[{"a":2,"b":1}]}');
    expect(record).toEqual(before);
    expect(Object.keys(record)).toEqual(['z', 'a']);
  });

  it('throws what fast-json-stable-stringify throws: a cycle, a bigint', () => {
    const loop: Record<string, unknown> = { b: 1 };
    loop.a = [{ back: loop }];
    expect(() => stableStringify(loop)).toThrow(TypeError);
    expect(() => stableStringify({ a: { n: 1n } })).toThrow(TypeError);
    expect(() => libraryStringify({ a: { n: 1n } })).toThrow(TypeError);
  });

  it('writes deep plain data (past the fast path depth) the same way', () => {
    let deep: unknown = { end: true };
    for (let i = 0; i < 100; i++) deep = { b: deep, a: i };
    expect(stableStringify(deep)).toBe(libraryStringify(deep));
  });
});
