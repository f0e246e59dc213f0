import { describe, expect, it } from 'vitest';
import type { PassRateDecision, VerdictReason } from '../../src/compare/types.js';
import { neededText, powerText, reasonText, slicesText, verdictSentences, warningText } from '../../src/report/reasons.js';

const decided: PassRateDecision = {
  baseline: 0.98,
  candidate: 0.95,
  estimate: -0.03,
  low: -0.0429,
  high: -0.018,
  alpha: 0.05,
  tolerance: 0.02,
  cases: 600,
  units: 600,
  clustered: false,
  test: { method: 'monte_carlo', resamples: 1999, pValue: 0.001 },
};

describe('verdict reasons as sentences', () => {
  it('quote the interval, the tolerance and the test that decided', () => {
    expect(reasonText({ rule: 'regression', values: decided })).toBe(
      'pass rate −3.0 pts (98.0% → 95.0%), 95% CI −4.3 pts to −1.8 pts: a significant drop (the upper bound is below 0) that may exceed the 2.0 pts tolerance (the lower bound is below −2.0 pts) (paired sign-flip/score interval over 600 cases, 1,999 random sign flips; p = 0.0010)',
    );
    const pass = { ...decided, estimate: -0.004, low: -0.013, high: 0.005, candidate: 0.976, test: { method: 'exact' as const, resamples: null, pValue: 0.41 } };
    expect(reasonText({ rule: 'non_inferior', values: pass })).toBe(
      'pass rate −0.4 pts (98.0% → 97.6%), 95% CI −1.3 pts to +0.5 pts: not worse by the 2.0 pts tolerance: the lower bound is above −2.0 pts (paired sign-flip/score interval over 600 cases, exact; p = 0.410)',
    );
    expect(reasonText({ rule: 'non_inferior', values: { ...pass, estimate: 0.05, low: 0.01, high: 0.09 } })).toMatch(/: better: the whole interval is above 0 \(/);
    const clustered = { ...decided, clustered: true, units: 10, cases: 110, alpha: 0.1 };
    expect(reasonText({ rule: 'regression', values: clustered, cell: 'v1 × a → v2 × a' })).toMatch(/^v1 × a → v2 × a: pass rate −3\.0 pts .* 90% CI .* over 10 clusters of 110 cases,/);
  });

  it('show a bound with the decimals it takes to differ from the limit it was compared with', () => {
    // −1.96 pts passes a 2.0 pts tolerance: one decimal would show "−2.0 pts … above −2.0 pts".
    const close = { ...decided, estimate: 0.001, low: -0.0196, high: 0.0214, candidate: 0.981 };
    expect(reasonText({ rule: 'non_inferior', values: close })).toMatch(/95% CI −1\.96 pts to \+2\.1 pts: not worse by the 2\.0 pts tolerance: the lower bound is above −2\.0 pts /);
    expect(reasonText({ rule: 'regression', values: { ...decided, low: -0.02004, high: -0.0004 } })).toMatch(/95% CI −2\.004 pts to −0\.04 pts: a significant drop/);
    expect(reasonText({ rule: 'non_inferior', values: { ...close, tolerance: 0.0125, low: -0.012 } })).toMatch(/CI −1\.2 pts to .*the 1\.25 pts tolerance: the lower bound is above −1\.25 pts/);
    const rise = { baseline: 0.03, candidate: 0.0504, increase: 0.0204, limit: 0.02, samples: { baseline: 500, candidate: 500 } };
    expect(reasonText({ rule: 'refusal_rate_increase', values: rise })).toMatch(/^refusal rate up \+2\.04 pts .* over maxRefusalRateIncrease 2\.0 pts$/);
    expect(reasonText({ rule: 'cost_increase', values: { relative: 0.252, baseline: 0.001, candidate: 0.001252, limit: 0.25 } })).toMatch(/up \+25\.2% .* over maxCostIncrease \+25%$/);
  });

  it('say what would decide an inconclusive comparison', () => {
    const reason: VerdictReason = {
      rule: 'too_small',
      values: { ...decided, estimate: -0.019, low: -0.135, high: 0.096, cases: 52, units: 52, needed: { cases: 3372 }, repeats: 3, repeatsCannot: 'cases_differ', passIfNoChange: 0.06 },
    };
    expect(verdictSentences({ reasons: [reason] })).toEqual([
      'pass rate −1.9 pts (98.0% → 95.0%), 95% CI −13.5 pts to +9.6 pts: too wide to decide — it reaches below −2.0 pts and above 0 (paired sign-flip/score interval over 52 cases, 1,999 random sign flips; p = 0.0010)',
      'to decide: about 3,372 cases at the current repeats (an 80% chance of a pass if the candidate is truly no worse; at 52 cases that chance is 6%); more repeats alone would not do it: the cases differ too much from each other',
    ]);
    // With one repeat there is nothing to tell whether repeats would help: no claim either way.
    const { repeatsCannot: _dropped, ...oneRepeat } = reason.values;
    expect(verdictSentences({ reasons: [{ ...reason, values: { ...oneRepeat, repeats: 1 } }] })[1]).not.toMatch(/more repeats/);
    // Too few units: even cases that all agreed would leave room for a drop beyond the tolerance.
    expect(verdictSentences({ reasons: [{ ...reason, values: { ...reason.values, clustered: true, units: 52, cases: 362, repeatsCannot: 'too_few_units' } }] })[1]).toMatch(
      /more repeats alone would not do it: 52 clusters that all agreed would still leave room for a drop beyond the tolerance$/,
    );
    expect(verdictSentences({ reasons: [{ ...reason, values: { ...reason.values, needed: { cases: 3372, repeats: 7 } } }] })[1]).toMatch(/, or 7 repeats per case with the current cases$/);
    expect(neededText({ cases: 3372, repeats: 7 })).toBe('3,372 cases or 7 repeats per case');
    expect(neededText({})).toBeUndefined();
  });

  it('word the hard rules and the notes', () => {
    expect(reasonText({ rule: 'cost_increase', values: { relative: 1, baseline: 0.001, candidate: 0.002, limit: 0.25 } })).toBe(
      'cost per sample up +100% ($0.001000 → $0.002000), over maxCostIncrease +25%',
    );
    expect(reasonText({ rule: 'latency_increase', values: { percentile: 95, relative: 0.8, baseline: 500, candidate: 900, limit: 0.5 } })).toBe(
      'p95 latency up +80% (500 ms → 900 ms), over maxP95LatencyIncrease +50%',
    );
    const kinds = {
      refusal: { baseline: 0, baselineSamples: 400, candidate: 1, candidateSamples: 400, pValue: null },
      timeout: { baseline: 2, baselineSamples: 400, candidate: 12, candidateSamples: 400, pValue: 0.0061 },
    };
    expect(reasonText({ rule: 'new_errors', values: { kinds, alpha: 0.05 } })).toBe(
      'errors the baseline did not have, or had less often: refusal on 1 of 400 samples, a kind the baseline (400 samples) did not have; timeout on 12 of 400 samples, against 2 of 400 in the baseline (one-sided Fisher exact p = 0.0061, below alpha 0.05)',
    );
    expect(reasonText({ rule: 'new_errors', values: { kinds: { timeout: { ...kinds.timeout, candidate: 1, candidateSamples: 1, baseline: 0, baselineSamples: 1, pValue: null } }, alpha: 0.05 } })).toBe(
      'errors the baseline did not have, or had less often: timeout on 1 of 1 sample, a kind the baseline (1 sample) did not have',
    );
    expect(reasonText({ rule: 'one_sided_cases', values: { side: 'candidate', count: 2 } })).toBe('2 cases only in the candidate (new): not in the statistics');
    expect(reasonText({ rule: 'several_cells', values: { cells: 4, alpha: 0.05, falseFailBound: 0.1 } })).toBe(
      '4 cells: if nothing changed, some cell would still fail by chance up to 10.0% of the time (4 × 2.5%); alpha 0.025 would keep that at 5.0%',
    );
    expect(warningText({ rule: 'unmatched_cell', values: { side: 'baseline', cell: 'v1 × a' } })).toBe('cell v1 × a is only in the baseline: not compared');
  });

  it('word power and slices', () => {
    expect(powerText({ se: 0.0064, passIfNoChange: 0.91, failAtDrop: [{ drop: 0.02, probability: 0.88 }], minimumDetectableDrop: 0.0179, casesForPass: 420 }, { cases: 600, units: 600, clustered: false })).toBe(
      '600 cases give a 91% chance of a pass if nothing changed; a drop of 1.8 pts would fail 80% of the time',
    );
    expect(powerText({ se: 0.5, passIfNoChange: 0.03, failAtDrop: [], minimumDetectableDrop: 1.4, casesForPass: 9812 }, { cases: 2, units: 2, clustered: false })).toBe(
      '2 cases give a 3% chance of a pass if nothing changed; not even a drop to 0% would fail 80% of the time; about 9,812 cases for an 80% chance of a pass',
    );
    expect(powerText({ se: 0.035, passIfNoChange: 0.08, failAtDrop: [], minimumDetectableDrop: 0.1, casesForPass: 1886 }, { cases: 362, units: 52, clustered: true })).toMatch(
      /^52 clusters \(362 cases\) give an 8% chance/,
    );
    const slice = { slice: 'tag:a', n: 40, units: 40, scoreDiff: { estimate: -0.1, low: -0.2, high: -0.01 }, tooSmall: false, pValue: 0.01, pAdjusted: 0.02, significant: true };
    const small = { ...slice, slice: 'tag:b', n: 2, units: 2, tooSmall: true, pValue: null, pAdjusted: null, significant: false };
    expect(slicesText([slice, small])).toBe('tag:a score −0.100 (n 40, p_adj 0.020); 1 too small to say (fewer units than any significant result needs)');
    expect(slicesText([{ ...slice, significant: false }])).toBe('none of 1 significant');
  });
});
