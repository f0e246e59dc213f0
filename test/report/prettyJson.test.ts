/** prettyJsonPieces: joined, the pieces are JSON.stringify(value, null, 2), whatever the value and the depth laid out. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prettyJsonPieces } from '../../src/report/prettyJson.js';

const joined = (value: unknown, depth?: number) => [...prettyJsonPieces(value, depth)].join('');

describe('prettyJsonPieces', () => {
  it('lays out a comparison-like value as JSON.stringify does, at every depth', () => {
    const value = {
      type: 'comparison',
      empty: {},
      none: [],
      cells: [
        {
          label: 'v1 → v2',
          cases: [
            { caseId: 'a', outputs: ['line one\nline two', null], scores: [[{ name: 'x', score: 0.5, reason: 'quote " and \\ and \u2028 and 🙂' }]] },
            { caseId: 'b', outputs: [], nested: { deeper: { deepest: [1, [2, [3, {}]]] } } },
          ],
          notANumber: NaN,
          negativeZero: -0,
          infinite: -Infinity,
        },
      ],
    };
    for (const depth of [0, 1, 2, 3, 4, 5, 8]) expect(joined(value, depth)).toBe(JSON.stringify(value, null, 2));
  });

  it('leaves out members without a JSON form and writes null for such array elements', () => {
    const value = { a: undefined, b: () => 1, c: Symbol('c'), d: 1, list: [undefined, () => 1, Symbol('s'), 2], onlyGone: { x: undefined } };
    expect(joined(value)).toBe(JSON.stringify(value, null, 2));
    expect(joined({ x: undefined })).toBe('{}');
  });

  it('leaves toJSON, boxed values, maps and class instances to JSON.stringify', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const value = {
      when: new Date(0),
      custom: { toJSON: () => ({ replaced: true }) },
      gone: { toJSON: () => undefined },
      boxed: [Object(1), Object('s'), Object(true)],
      map: new Map([[1, 2]]),
      point: new Point(3),
      bare: Object.assign(Object.create(null) as object, { z: 1 }),
    };
    expect(joined(value)).toBe(JSON.stringify(value, null, 2));
  });

  it('matches JSON.stringify on arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withDate: true, withSparseArray: true, withObjectString: true }), fc.integer({ min: 0, max: 6 }), (value, depth) => {
        const expected = JSON.stringify(value, null, 2) as string | undefined;
        if (expected === undefined) expect(() => joined(value, depth)).toThrow(TypeError);
        else expect(joined(value, depth)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('yields the elements of the laid-out arrays one at a time', () => {
    const cases = Array.from({ length: 1000 }, (_, i) => ({ caseId: `case-${i}`, outputs: ['x'.repeat(100)] }));
    const pieces = [...prettyJsonPieces({ cells: [{ cases }] })];
    expect(pieces.length).toBeGreaterThan(1000);
    expect(Math.max(...pieces.map((piece) => piece.length))).toBeLessThan(300);
  });
});
