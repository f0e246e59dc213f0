import { describe, expect, it } from 'vitest';
import type { ComparisonResult, PairwiseSummary } from '../../src/compare/types.js';
import { formatPairwise } from '../../src/report/pairwise.js';

function withPairwise(pairwise: PairwiseSummary): ComparisonResult {
  return { cells: [{ label: 'v1 × m → v2 × m', pairwise }] } as unknown as ComparisonResult;
}

const judge = { calls: 6, inputTokens: 600, outputTokens: 60, costUsd: 0.0012, latencyMs: 600, cached: 0 };

describe('compare --judge console lines', () => {
  it('says why the judge left cases unscored, not only how many', () => {
    // Before: "… 0 losses, 2 unscored; …" and nothing more: the reason was in the JSON alone.
    const text = formatPairwise(
      withPairwise({
        model: 'claude-haiku-4-5',
        wins: 1,
        ties: 0,
        losses: 0,
        unscored: 2,
        winRate: 1,
        interval: { low: 0.21, high: 1 },
        judge,
        perCase: [
          { caseId: 'c1', outcome: 'win', reason: 'candidate preferred in both orders' },
          { caseId: 'c2', outcome: 'unscored', reason: 'candidate-first: judge refused (cyber)' },
          { caseId: 'c3', outcome: 'unscored', reason: 'baseline-first: judge answer is not JSON: …' },
        ],
      }),
    );
    expect(text.split('\n')).toEqual([
      'v1 × m → v2 × m  pairwise (claude-haiku-4-5, both orders): 1 wins, 0 ties, 0 losses, 2 unscored; candidate win rate 100.0% (95% CI 21.0%–100.0%); judge $0.0012',
      '  unscored: the judge gave no usable answer for 2 cases; first, c2: candidate-first: judge refused (cyber)',
    ]);
  });

  it('adds nothing when every case was judged', () => {
    const text = formatPairwise(
      withPairwise({ model: 'm', wins: 1, ties: 0, losses: 0, unscored: 0, winRate: 1, interval: { low: 0.21, high: 1 }, judge, perCase: [{ caseId: 'c1', outcome: 'win', reason: 'x' }] }),
    );
    expect(text.split('\n')).toHaveLength(1);
  });
});
