import { describe, expect, it } from 'vitest';
import { judgingOptionChange, judgingOptionRefusal } from '../../src/records/resumeOptions.js';

const recorded = { repeats: 2, threshold: 0.8, maxErrorRate: 0, timeoutMs: 120_000, scorers: ['exact', 'fuzzy:levenshtein(summary)'], chaos: false };

describe('judgingOptionChange', () => {
  it('finds nothing when only how samples are fetched changed', () => {
    expect(judgingOptionChange(recorded, { ...recorded, timeoutMs: 5_000, stream: true })).toBeUndefined();
  });

  it('finds a scorer added, removed, renamed or moved', () => {
    for (const scorers of [['exact'], ['exact', 'fuzzy:levenshtein(summary)', 'contains'], ['exact', 'fuzzy:jaro(summary)'], ['fuzzy:levenshtein(summary)', 'exact']]) {
      expect(judgingOptionChange(recorded, { ...recorded, scorers })).toEqual({ field: 'scorers', before: recorded.scorers, after: scorers });
    }
  });

  it('finds a threshold or maxErrorRate changed, set or removed', () => {
    expect(judgingOptionChange(recorded, { ...recorded, threshold: null })).toMatchObject({ field: 'threshold', before: 0.8, after: null });
    expect(judgingOptionChange({ ...recorded, threshold: null }, { ...recorded, threshold: 0.8 })).toMatchObject({ field: 'threshold' });
    expect(judgingOptionChange(recorded, { ...recorded, maxErrorRate: 0.05 })).toMatchObject({ field: 'maxErrorRate', before: 0, after: 0.05 });
  });

  it('does not compare a field the earlier header does not have (a record from before it was written)', () => {
    const { scorers: _scorers, ...older } = recorded;
    expect(judgingOptionChange(older, { ...recorded, scorers: ['other'] })).toBeUndefined();
  });

  it('says what changed and how to go on', () => {
    expect(judgingOptionRefusal({ field: 'scorers', before: ['a', 'b'], after: ['a'] })).toEqual({
      message: "the suite's scorers changed since this run started ([a, b] → [a]): its finished samples were scored by the scorers as they were, and would be mixed with samples scored by the new ones",
      fix: "start a new run, or restore the suite's scorers as they were",
    });
    expect(judgingOptionRefusal({ field: 'threshold', before: 0.8, after: null }).message).toContain('(0.8 → none)');
    expect(judgingOptionRefusal({ field: 'maxErrorRate', before: 0, after: 0.1 }).fix).toBe('resume with --max-error-rate 0 (or the suite\'s maxErrorRate) as the run started, or start a new run');
  });
});
