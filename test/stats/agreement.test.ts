import { describe, expect, it } from 'vitest';
import { cohensKappa, confusionMatrix, percentAgreement, weightedKappa } from '../../src/stats/index.js';
import { InputError } from '../../src/errors.js';

// Fleiss (1981), Statistical Methods for Rates and Proportions, 2nd ed., table 13.1: two
// psychiatrists, 100 patients, diagnoses psychotic / neurotic / organic. Published κ = 0.676
// (p_o = 0.89, p_e = 0.66, κ = 0.23/0.34).
const FLEISS = [
  [75, 1, 4],
  [5, 4, 1],
  [0, 0, 10],
];

describe('kappa', () => {
  it("computes Cohen's kappa for the textbook examples", () => {
    expect(cohensKappa(FLEISS)).toBeCloseTo(0.23 / 0.34, 14);
    // Wikipedia "Cohen's kappa" worked example: 20 yes/yes, 5, 10, 15 no/no → κ = 0.4.
    expect(cohensKappa([[20, 5], [10, 15]])).toBeCloseTo(0.4, 14);
  });

  it('computes weighted kappa', () => {
    // Linear weights on the Fleiss table: 1 − Σw·O/Σw·E = 0.72222 (Python, exact fractions: 13/18).
    expect(weightedKappa(FLEISS, 'linear')).toBeCloseTo(13 / 18, 12);
    const ordinal = [
      [10, 4, 1, 0],
      [3, 12, 5, 1],
      [1, 4, 15, 3],
      [0, 1, 4, 11],
    ];
    // Independent check via Fleiss & Cohen (1973): quadratic-weighted κ equals
    // 2·s_xy / (s_x² + s_y² + (x̄ − ȳ)²) over the paired category indices (moments with 1/N) = 0.7520135650699449.
    expect(weightedKappa(ordinal, 'quadratic')).toBeCloseTo(0.7520135650699449, 12);
    expect(weightedKappa(ordinal)).toBeCloseTo(0.7520135650699449, 12);
    expect(weightedKappa(ordinal, 'linear')).toBeCloseTo(0.6370023419203747, 12);
    expect(cohensKappa(ordinal)).toBeCloseTo(0.5131041115652801, 12);
  });

  it('weighted kappa equals Cohen kappa with two categories', () => {
    const table = [[33, 7], [12, 48]];
    expect(weightedKappa(table, 'quadratic')).toBeCloseTo(cohensKappa(table), 14);
    expect(weightedKappa(table, 'linear')).toBeCloseTo(cohensKappa(table), 14);
  });

  it('is 1 for perfect agreement and NaN when chance agreement is certain', () => {
    expect(cohensKappa([[5, 0], [0, 7]])).toBe(1);
    expect(cohensKappa([[9, 0], [0, 0]])).toBeNaN();
    expect(cohensKappa([[0, 0], [0, 0]])).toBeNaN();
  });

  it('rejects a matrix that is not square or has negative counts', () => {
    expect(() => cohensKappa([[1, 2], [3]])).toThrow(InputError);
    expect(() => weightedKappa([[1, -2], [3, 4]])).toThrow(/confusion\[0\]\[1\]/);
  });
});

describe('confusionMatrix and percentAgreement', () => {
  it('counts label pairs in category order', () => {
    const a = ['pass', 'pass', 'fail', 'fail', 'pass', 'unsure'];
    const b = ['pass', 'fail', 'fail', 'fail', 'pass', 'pass'];
    const matrix = confusionMatrix(a, b, ['pass', 'fail', 'unsure']);
    expect(matrix).toEqual([
      [2, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    expect(percentAgreement(matrix)).toBeCloseTo(4 / 6, 14);
    expect(percentAgreement(FLEISS)).toBeCloseTo(0.89, 14);
  });

  it('names the offending label', () => {
    expect(() => confusionMatrix(['a', 'x'], ['a', 'a'], ['a', 'b'])).toThrow(/labelsA\[1\].*x is not one of the categories/);
    expect(() => confusionMatrix(['a'], ['a', 'b'], ['a', 'b'])).toThrow(InputError);
    expect(() => confusionMatrix(['a'], ['a'], ['a', 'a'])).toThrow(/listed twice/);
  });
});
