import { describe, expect, it } from 'vitest';
import { addFailed } from '../../../src/report/html/collectRun.js';

/** The computation addFailed replaced: push when new, then sort. */
function addFailedBySorting(tally: { failed?: number[] }, scorer: number): void {
  const failed = (tally.failed ??= []);
  if (failed.includes(scorer)) return;
  failed.push(scorer);
  failed.sort((a, b) => a - b);
}

describe('addFailed', () => {
  it('keeps the failed scorers ascending and without repeats, as sorting after each push did', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % 12;
    for (let round = 0; round < 200; round++) {
      const fast: { failed?: number[] } = {};
      const sorted: { failed?: number[] } = {};
      const count = round % 15;
      for (let at = 0; at < count; at++) {
        const scorer = next();
        addFailed(fast, scorer);
        addFailedBySorting(sorted, scorer);
        expect(fast.failed).toEqual(sorted.failed);
      }
    }
  });

  it('inserts before, between and after, and ignores a repeat', () => {
    const tally: { failed?: number[] } = {};
    for (const scorer of [5, 1, 3, 9, 3, 0, 9, 5]) addFailed(tally, scorer);
    expect(tally.failed).toEqual([0, 1, 3, 5, 9]);
  });
});
