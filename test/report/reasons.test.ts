import { describe, expect, it } from 'vitest';
import type { VerdictReason } from '../../src/compare/types.js';
import { neededText, reasonText, verdictSentences, warningText } from '../../src/report/reasons.js';

describe('verdict reasons as sentences', () => {
  it('words a regression with the test that decided it', () => {
    const reason: VerdictReason = {
      rule: 'regression',
      values: { metric: 'pass_rate', estimate: -0.4, baseline: 1, candidate: 0.6, tolerance: 0.02, beyond: 'zero', test: { kind: 'mcnemar_exact', regressed: 12, improved: 0, p: 2 / 4096, alpha: 0.05 } },
    };
    expect(reasonText(reason)).toBe('pass rate fell 40.0 pts (100.0% → 60.0%): 12 cases regressed, 0 improved, McNemar exact p = 0.0005 < 0.05, beyond the 2.0 pts tolerance');
    expect(reasonText({ ...reason, cell: 'v1 × a → v2 × a' })).toMatch(/^v1 × a → v2 × a: pass rate fell 40\.0 pts/);
  });

  it('words the hard rules and the notes', () => {
    expect(reasonText({ rule: 'cost_increase', values: { relative: 1, baseline: 0.001, candidate: 0.002, limit: 0.25 } })).toBe(
      'cost per sample up +100% ($0.001000 → $0.002000), over maxCostIncrease +25%',
    );
    expect(reasonText({ rule: 'latency_increase', values: { percentile: 95, relative: 0.8, baseline: 500, candidate: 900, limit: 0.5 } })).toBe(
      'p95 latency up +80% (500 ms → 900 ms), over maxP95LatencyIncrease +50%',
    );
    expect(reasonText({ rule: 'new_errors', values: { kinds: { refusal: 1, timeout: 3 } } })).toBe('new error kinds in the candidate: refusal (1 sample), timeout (3 samples)');
    expect(reasonText({ rule: 'one_sided_cases', values: { side: 'candidate', count: 2 } })).toBe('2 cases only in the candidate (new): not in the statistics');
    expect(warningText({ rule: 'unmatched_cell', values: { side: 'baseline', cell: 'v1 × a' } })).toBe('cell v1 × a is only in the baseline: not compared');
  });

  it('says what would settle an inconclusive verdict', () => {
    expect(neededText({ cases: 3372, repeats: 7 })).toBe('3,372 cases or 7 repeats per case');
    expect(neededText({})).toBeUndefined();
    const sentences = verdictSentences({
      reasons: [{ rule: 'too_small', values: { n: 52, estimate: -0.019, low: -0.135, high: 0.096, alpha: 0.05, mcnemarP: 1, mde: 0.164, tolerance: 0.02, needed: { cases: 3372 } } }],
    });
    expect(sentences).toEqual([
      'no significant change (pass rate −1.9 pts, 95% CI −13.5 pts to +9.6 pts; McNemar exact p = 1.000), but this comparison can only detect changes of 16.4 pts or more (MDE at n = 52), larger than the 2.0 pts tolerance',
      'to settle it: about 3,372 cases at the current repeats (more repeats alone would not do it: the cases differ too much from each other)',
    ]);
  });
});
