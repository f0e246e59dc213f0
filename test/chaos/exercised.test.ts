import { describe, expect, it } from 'vitest';
import { notExercisedCount, notExercisedLines, notExercisedReason, notExercisedText, watchReads } from '../../src/chaos/exercised.js';

describe('notExercisedReason', () => {
  it('a request that is its source request, with no mutated variable read, tested nothing', () => {
    expect(notExercisedReason('h1', 'h1', false)).toBe('same-request');
  });

  it('a changed request, a mutated variable read by the provider, or no source hash to compare with, counts as ever', () => {
    expect(notExercisedReason('h2', 'h1', false)).toBeUndefined();
    expect(notExercisedReason('h1', 'h1', true)).toBeUndefined();
    expect(notExercisedReason('h1', undefined, false)).toBeUndefined();
  });
});

describe('watchReads', () => {
  it('hands on the same values and notes a read of a mutated field only', () => {
    const watched = watchReads({ ticket: 't', customer_id: 'c', n: 2 }, ['customer_id']);
    expect(watched.vars['ticket']).toBe('t');
    expect(Object.keys(watched.vars)).toEqual(['ticket', 'customer_id', 'n']);
    expect(watched.read()).toBe(false);
    expect(watched.vars['customer_id']).toBe('c');
    expect(watched.read()).toBe(true);
  });

  it('notes reads through spread, JSON.stringify and structuredClone, which a function under test may use', () => {
    for (const use of [(v: object) => ({ ...v }), (v: object) => JSON.stringify(v), (v: object) => structuredClone(v)]) {
      const watched = watchReads({ ticket: 't', customer_id: 'c' }, ['customer_id']);
      expect(use(watched.vars)).toBeTruthy();
      expect(watched.read()).toBe(true);
    }
  });

  it('a field the vars do not have is not added', () => {
    expect(Object.keys(watchReads({ ticket: 't' }, ['gone']).vars)).toEqual(['ticket']);
  });
});

describe('what reports say', () => {
  it('one sentence per reason, with its count, naming the way out', () => {
    expect(notExercisedText(1, 'same-request')).toMatch(/^1 chaos sample not exercised: the mutation did not change the rendered prompt .* it counts as neither pass nor fail/);
    const rows = [{ notExercised: { 'same-request': 2 } }, {}, { notExercised: { 'same-request': 3 } }];
    expect(notExercisedLines(rows)).toEqual([notExercisedText(5, 'same-request')]);
    expect(notExercisedLines([{}, { notExercised: {} }])).toEqual([]);
    expect(notExercisedCount({ 'same-request': 4 })).toBe(4);
    expect(notExercisedCount(undefined)).toBe(0);
  });
});
