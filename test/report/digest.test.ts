import { describe, expect, it } from 'vitest';
import type { FailureDigest } from '../../src/records/digest.js';
import { formatFailureDigest } from '../../src/report/digest.js';

const at = (caseId: string, repeat = 0) => ({ caseId, version: 'v1', model: 'claude-haiku-4-5', repeat });

describe('the failure digest on the console', () => {
  it('shows the most common reasons and error kinds with counts and case ids', () => {
    const digest: FailureDigest = {
      failedSamples: 12,
      failures: [
        { source: 'similarity', shape: 'similarity # < #', example: 'similarity 0.41 < 0.45 to expected.summary', count: 10, cases: [at('t-1'), at('t-2', 1), at('t-3')] },
        { source: 'length', shape: '# words > #', example: '90 words > 60', count: 2, cases: [at('t-9')] },
      ],
      erroredSamples: 3,
      errors: [{ source: 'scorer_error', shape: 'picky: boom', example: 'picky: boom', count: 3, cases: [at('w003')] }],
    };
    expect(formatFailureDigest(digest, { repeats: 2 })).toBe(
      [
        'why 12 samples failed (failing scorers, most common first):',
        '  similarity  10×  similarity 0.41 < 0.45 to expected.summary — t-1 (v1 × claude-haiku-4-5 #1), t-2 (v1 × claude-haiku-4-5 #2), t-3 (v1 × claude-haiku-4-5 #1), …',
        '  length       2×  90 words > 60 — t-9 (v1 × claude-haiku-4-5 #1), …',
        '',
        '3 samples ended in an error (by kind):',
        '  scorer_error  3×  picky: boom — w003 (v1 × claude-haiku-4-5 #1), …',
      ].join('\n'),
    );
  });

  it('tells golden failures (the pass rate\'s) from chaos ones', () => {
    const digest: FailureDigest = {
      failedSamples: 12,
      failedChaosSamples: 9,
      failures: [{ source: 'exact', shape: 'x', example: 'x', count: 12, cases: [at('t-1')] }],
      erroredSamples: 2,
      erroredChaosSamples: 0,
      errors: [{ source: 'timeout', shape: 't', example: 't', count: 2, cases: [at('t-2')] }],
    };
    const text = formatFailureDigest(digest, { repeats: 1 })!;
    expect(text).toContain('why 12 samples failed (3 golden + 9 chaos; failing scorers, most common first):');
    expect(text).toContain('2 samples ended in an error (by kind):');
  });

  it('says nothing when every sample passed', () => {
    expect(formatFailureDigest({ failedSamples: 0, failures: [], erroredSamples: 0, errors: [] }, { repeats: 1 })).toBeUndefined();
  });
});
