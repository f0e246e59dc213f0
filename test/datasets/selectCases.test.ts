import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { seededSample, selectCases, type GoldenCase } from '../../src/datasets/index.js';

const cases: GoldenCase[] = Array.from({ length: 50 }, (_, index) => ({
  id: `c${index}`,
  vars: { n: index },
  tags: index % 3 === 0 ? ['three'] : index % 5 === 0 ? ['five'] : [],
  origin: { file: 'mem.jsonl', line: index + 1 },
}));
const ids = (selected: GoldenCase[]): string[] => selected.map((golden) => golden.id);

describe('selectCases', () => {
  it('returns everything for an empty selection, as a new array', () => {
    const selected = selectCases(cases, {});
    expect(ids(selected)).toEqual(ids(cases));
    expect(selected).not.toBe(cases);
  });

  it('filters by any of the tags, keeping file order', () => {
    const selected = selectCases(cases, { filter: ['five', 'three'] });
    expect(selected.every((golden) => golden.tags.includes('three') || golden.tags.includes('five'))).toBe(true);
    expect(ids(selected).slice(0, 5)).toEqual(['c0', 'c3', 'c5', 'c6', 'c9']);
  });

  it('samples deterministically per seed, in file order', () => {
    const first = selectCases(cases, { sample: 10, seed: 42 });
    const again = selectCases(cases, { sample: 10, seed: 42 });
    const other = selectCases(cases, { sample: 10, seed: 43 });
    expect(first).toHaveLength(10);
    expect(ids(again)).toEqual(ids(first));
    expect(ids(other)).not.toEqual(ids(first));
    const positions = first.map((golden) => cases.indexOf(golden));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(new Set(ids(first)).size).toBe(10);
  });

  it('uses a fixed default seed, so an unseeded sample is repeatable', () => {
    expect(ids(selectCases(cases, { sample: 5 }))).toEqual(ids(selectCases(cases, { sample: 5, seed: 0 })));
  });

  it('applies filter, then sample, then limit', () => {
    const sampled = selectCases(cases, { filter: ['three'], sample: 6, seed: 1 });
    const limited = selectCases(cases, { filter: ['three'], sample: 6, seed: 1, limit: 2 });
    expect(sampled.every((golden) => golden.tags.includes('three'))).toBe(true);
    expect(ids(limited)).toEqual(ids(sampled).slice(0, 2));
  });

  it('keeps everything when the sample is larger than the list', () => {
    expect(ids(selectCases(cases, { sample: 500, seed: 9 }))).toEqual(ids(cases));
  });

  it('rejects negative or fractional counts', () => {
    expect(() => selectCases(cases, { limit: -1 })).toThrow(InputError);
    expect(() => selectCases(cases, { sample: 1.5 })).toThrow(/whole number/);
  });
});

describe('seeded PRNG', () => {

  it('seededSample picks roughly uniformly', () => {
    const counts = new Array<number>(10).fill(0);
    const items = Array.from({ length: 10 }, (_, index) => index);
    for (let seed = 0; seed < 2000; seed += 1) {
      for (const item of seededSample(items, 3, seed)) counts[item] = (counts[item] ?? 0) + 1;
    }
    // Each item is expected 600 times; allow generous noise.
    for (const count of counts) {
      expect(count).toBeGreaterThan(480);
      expect(count).toBeLessThan(720);
    }
  });
});
