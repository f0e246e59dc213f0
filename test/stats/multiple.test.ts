import { describe, expect, it } from 'vitest';
import { bonferroni, holm } from '../../src/stats/index.js';

describe('holm', () => {
  it('adjusts a known vector and keeps the input order', () => {
    // By hand (= R 4.3 p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm")): sorted 0.005, 0.01, 0.03, 0.04
    // times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04 → running max 0.02, 0.03, 0.06, 0.06.
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    const expected = [0.03, 0.06, 0.06, 0.02];
    adjusted.forEach((p, i) => expect(p).toBeCloseTo(expected[i] as number, 14));
  });

  it('caps at 1, keeps NaN and does not count it in m', () => {
    const adjusted = holm([0.5, NaN, 0.2]);
    // m = 2: 0.2·2 = 0.4, then max(0.4, 0.5·1) = 0.5
    expect(adjusted[0]).toBeCloseTo(0.5, 14);
    expect(adjusted[1]).toBeNaN();
    expect(adjusted[2]).toBeCloseTo(0.4, 14);
    expect(holm([0.9, 0.8])).toEqual([1, 1]); // 0.8·2 capped at 1; the running max lifts 0.9 to 1
    expect(holm([])).toEqual([]);
  });

  it('is never larger than Bonferroni', () => {
    const ps = [0.001, 0.2, 0.013, 0.04, 0.5, 0.0301];
    const h = holm(ps);
    const b = bonferroni(ps);
    h.forEach((p, i) => expect(p).toBeLessThanOrEqual(b[i] as number));
    expect(b).toEqual([0.006, 1, 0.078, 0.24, 1, expect.closeTo(0.1806, 12)]);
  });
});
