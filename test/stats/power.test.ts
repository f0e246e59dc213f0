import { describe, expect, it } from 'vitest';
import { minimumDetectableDrop, nonInferiorityCases, nonInferiorityFailProbability, nonInferiorityPassProbability } from '../../src/stats/index.js';

describe('power of the non-inferiority rule', () => {
  const at = { se: 0.01, margin: 0.02, alpha: 0.05 };
  it('gives the chance of a pass and of a fail (values from scipy.stats.norm)', () => {
    expect(nonInferiorityPassProbability(at, 0)).toBeCloseTo(0.5159677934423318, 12);
    expect(nonInferiorityFailProbability(at, -0.05)).toBeCloseTo(0.9988172507018026, 12);
    expect(nonInferiorityFailProbability({ ...at, se: 0.004 }, -0.02)).toBeCloseTo(0.975, 12);
    expect(minimumDetectableDrop(at)).toBeCloseTo(0.02801585218112968, 12);
    expect(minimumDetectableDrop({ ...at, se: 0.004 })).toBeCloseTo(0.015526628996131442, 12);
    expect(nonInferiorityCases({ sd: 0.3, margin: 0.02, alpha: 0.05 })).toBe(1766);
  });

  it('a true drop of exactly the tolerance passes at most alpha/2 of the time', () => {
    for (const se of [0.001, 0.01, 0.1]) expect(nonInferiorityPassProbability({ ...at, se }, -0.02)).toBeCloseTo(0.025, 12);
  });
});
